/**
 * The life of a send (EmailSend.status):
 *
 *   queued ──Resend accepted──▶ (scheduled ──at its time──▶) sent ──delivery webhooks──▶ delivered | delivery_delayed | bounced | complained | suppressed
 *     │  ╲──Resend refused (4xx)──▶ failed
 *     ╰──timeout / 5xx / 429 / network──▶ unknown ──sweeper, same idempotency key──▶ sent | failed
 *
 * Credits: held when the row is inserted; captured on the move to sent, released on the move to failed.
 * Those two moves only leave an open state (queued, unknown), in one conditional UPDATE each, so whichever of
 * the request and the sweeper gets there first settles the send and the other changes nothing.
 */
export const SEND_STATUSES = [
  "queued",
  "unknown",
  "failed",
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
  scheduled: "Scheduled",
  sent: "Sent",
  delivery_delayed: "Delayed",
  delivered: "Delivered",
  bounced: "Bounced",
  complained: "Complained",
  suppressed: "Suppressed",
};
