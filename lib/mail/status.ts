/**
 * The life of a send (EmailSend.status):
 *
 *   queued ──Resend accepted──▶ (scheduled ──at its time──▶) sent ──delivery webhooks──▶ delivered | delivery_delayed | bounced | complained | suppressed
 *     │  ╲──Resend refused (4xx)──▶ failed
 *     ├──429──▶ (status unchanged: the same call is made again after Resend's Retry-After)
 *     ╰──timeout / network / 408 / 409 / 5xx──▶ unknown ──the dispatcher repeats the call, same idempotency key──▶ scheduled | sent | failed
 *
 *   A scheduled email (queued before it reaches Resend, or scheduled at Resend) can be cancelled: ──▶ canceled,
 *   its credits returned (lib/sending/cancel.ts).
 *
 * Credits: held when the row is inserted; captured when Resend accepts (the move to scheduled or sent), released
 * on the move to failed. Those moves only leave an open state (queued, unknown), in one conditional UPDATE each,
 * so whichever of two dispatchers repeating one call gets there first settles the send and the other changes nothing.
 */
export const SEND_STATUSES = [
  "queued",
  "unknown",
  "failed",
  "canceled",
  "scheduled",
  "sent",
  "delivery_delayed",
  "delivered",
  "bounced",
  "complained",
  "suppressed",
] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

/** Not settled yet: credits are held. */
export const OPEN_STATUSES = ["queued", "unknown"] as const satisfies readonly SendStatus[];
/** Resend accepted it: credits captured and a Dodo debit queued. */
export const ACCEPTED_STATUSES = [
  "scheduled",
  "sent",
  "delivery_delayed",
  "delivered",
  "bounced",
  "complained",
  "suppressed",
] as const satisfies readonly SendStatus[];

export function isSendStatus(value: string): value is SendStatus {
  return (SEND_STATUSES as readonly string[]).includes(value);
}

export function isOpen(status: string): boolean {
  return (OPEN_STATUSES as readonly string[]).includes(status);
}

export function isAccepted(status: string): boolean {
  return (ACCEPTED_STATUSES as readonly string[]).includes(status);
}

/** The delivery status a Resend webhook event moves an accepted send to (other events only join the timeline). */
export const STATUS_BY_EVENT: Record<string, SendStatus | undefined> = {
  "email.scheduled": "scheduled",
  "email.sent": "sent",
  "email.delivery_delayed": "delivery_delayed",
  "email.delivered": "delivered",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.suppressed": "suppressed",
};

/** Resend's `last_event` for a send (what GET /emails answers). */
export function lastEventOf(status: string): string {
  if (status === "queued" || status === "unknown") return "queued";
  return status;
}

export const STATUS_LABELS: Record<SendStatus, string> = {
  queued: "Queued",
  unknown: "Confirming",
  failed: "Failed",
  canceled: "Canceled",
  scheduled: "Scheduled",
  sent: "Sent",
  delivery_delayed: "Delayed",
  delivered: "Delivered",
  bounced: "Bounced",
  complained: "Complained",
  suppressed: "Suppressed",
};

/** What each status means, in the customer's words (the badge's tooltip and the Messages page's legend). */
export const STATUS_DESCRIPTIONS: Record<SendStatus, string> = {
  queued: "Accepted by MailKit, credits held; it is handed to Resend within moments.",
  unknown:
    "Handed to Resend, but its answer did not arrive (a timeout or a network error). MailKit asks again with the same idempotency key, so the email is never sent twice; the credits stay held until Resend confirms.",
  failed: "Resend refused it. Nothing was sent and its credits were returned.",
  canceled: "A scheduled email cancelled before it was sent. Its credits were returned.",
  scheduled: "Accepted by Resend, to be sent at its scheduled time. It can still be cancelled.",
  sent: "Accepted by Resend and on its way to the recipient's mail server.",
  delivery_delayed: "The recipient's mail server has not accepted it yet; Resend keeps trying.",
  delivered: "The recipient's mail server accepted it.",
  bounced: "The recipient's mail server refused it permanently; the address joins your suppression list.",
  complained: "The recipient marked it as spam; the address joins your suppression list.",
  suppressed: "Resend did not send it: the address is on a suppression list.",
};
