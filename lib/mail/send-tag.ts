/**
 * MailKit's own tag on every email it hands to Resend: Resend's webhooks carry it back, and MailKit looks the send
 * up by it. Customers cannot use the name, and it is left out wherever a customer sees an email's tags.
 */
export const SEND_ID_TAG = "mailkit_send_id";

/** The customer's own tags on a stored payload, as Resend would echo them (MailKit's send-id tag left out). */
export function customerTags(payload: unknown): Record<string, string> | undefined {
  const tags = (payload as { tags?: unknown } | null)?.tags;
  if (!Array.isArray(tags)) return undefined;
  const out: Record<string, string> = {};
  for (const tag of tags as { name?: unknown; value?: unknown }[])
    if (typeof tag?.name === "string" && typeof tag.value === "string" && tag.name !== SEND_ID_TAG)
      out[tag.name] = tag.value;
  return Object.keys(out).length ? out : undefined;
}
