import { bareAddress } from "@/lib/mail/recipients";

/**
 * The one form of a sign-in address, used both as Auth.js's identifier (where the link is sent and whom it signs
 * in) and as the throttle's key, so every spelling of one mailbox shares one allowance: Unicode compatibility
 * forms folded (NFKC: full-width `ｖ@x.com` is `v@x.com`), trimmed, lower-cased. Anything that is not then a
 * plain `local@domain` address (a list, `v@x.com,1`, a display name, non-ASCII) is refused, rather than left to
 * Auth.js's default normaliser, which would cut it down to another address.
 */
export function normaliseSignInEmail(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > 320) return undefined;
  const folded = value.normalize("NFKC").trim().toLowerCase();
  return bareAddress(folded) === folded ? folded : undefined;
}

/** For Auth.js's `normalizeIdentifier`: the normalised address, or an error (Auth.js then sends nothing). */
export function signInIdentifier(value: string): string {
  const email = normaliseSignInEmail(value);
  if (!email) throw new Error("Not a sign-in email address");
  return email;
}
