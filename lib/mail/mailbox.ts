import emailAddresses from "email-addresses";

import { isCleanText } from "@/lib/text";

import { bareAddress } from "./recipients";

/**
 * One mailbox (`email@example.com` or `Name <email@example.com>`), parsed by an RFC 5322 parser, as the bare
 * lower-cased address that is charged; undefined for anything else — a list (`a@x.com, b@x.com <c@x.com>`),
 * a group, or an address MailKit's cost rule would read differently. So what is forwarded is exactly what is charged.
 */
export function singleMailbox(value: string): string | undefined {
  const trimmed = value.trim();
  if (!isCleanText(trimmed)) return undefined;
  const parsed = emailAddresses.parseOneAddress({ input: trimmed, rfc6532: true });
  if (!parsed || parsed.type !== "mailbox") return undefined;
  const bare = bareAddress(trimmed);
  return bare !== undefined && bare === parsed.address.toLowerCase() ? bare : undefined;
}
