import { creditsForRecipients } from "@/lib/catalog/product";

/**
 * Email addresses as Resend accepts them (`email@example.com` or `Name <email@example.com>`) and the cost of
 * a send: the catalog's cost rule applied to the distinct recipients across to, cc and bcc.
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
  return creditsForRecipients(distinctRecipients(email).length);
}

/**
 * The email's to, cc and bcc with every repeated recipient taken out (compared bare and lower-cased, first
 * occurrence kept, in the order to → cc → bcc): what is forwarded is exactly what `costOf` charges.
 */
export function withoutRepeatedRecipients<T extends { to: string[]; cc: string[]; bcc: string[] }>(email: T): T {
  const seen = new Set<string>();
  const keepFirst = (list: string[]) =>
    list.filter((value) => {
      const address = bareAddress(value) ?? value.trim().toLowerCase();
      if (seen.has(address)) return false;
      seen.add(address);
      return true;
    });
  return { ...email, to: keepFirst(email.to), cc: keepFirst(email.cc), bcc: keepFirst(email.bcc) };
}
