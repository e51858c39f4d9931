/**
 * Email addresses as Resend accepts them (`email@example.com` or `Name <email@example.com>`) and the cost of
 * a send: one credit per distinct recipient across to, cc and bcc, compared case-insensitively.
 */

// A pragmatic RFC 5322 subset: dot-atom local part, a domain with at least one dot (as real mailboxes have).
const EMAIL = String.raw`[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`;
const BARE_ADDRESS = new RegExp(`^${EMAIL}$`);
const NAMED_ADDRESS = new RegExp(`^(?:"[^"\\r\\n]*"|[^<>"\\r\\n]*?)\\s*<(${EMAIL})>$`);

export const ADDRESS_FORMAT_HINT = "use `email@example.com` or `Name <email@example.com>`";

/** The bare address, lower-cased; undefined when the value is not an address. */
export function bareAddress(value: string): string | undefined {
  const trimmed = value.trim();
  if (trimmed.length > 320) return undefined;
  if (BARE_ADDRESS.test(trimmed)) return trimmed.toLowerCase();
  return NAMED_ADDRESS.exec(trimmed)?.[1]?.toLowerCase();
}

export type Recipients = { to: string[]; cc?: string[] | null; bcc?: string[] | null };

/** Every distinct recipient of an email (bare, lower-cased), in first-seen order. */
export function distinctRecipients(email: Recipients): string[] {
  const seen = new Set<string>();
  for (const value of [...email.to, ...(email.cc ?? []), ...(email.bcc ?? [])]) {
    const address = bareAddress(value);
    if (address) seen.add(address);
  }
  return [...seen];
}

/** What an email costs in credits. */
export function costOf(email: Recipients): number {
  return distinctRecipients(email).length;
}
