import { creditsForRecipients } from "@/lib/catalog/product";
import { bareAddress, distinctRecipients } from "@/lib/mail/recipients";

/**
 * Pure parts of suppressions: which addresses a delivery event suppresses, how much an event credits back, and
 * an email with its suppressed recipients taken out. No database here (unit-tested in tests/unit).
 */

export const SUPPRESSION_REASONS = ["bounce", "complaint", "manual"] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

/** The stored form of an address: bare and lower-cased (`Ann <Ann@X.com>` → `ann@x.com`); undefined if none. */
export function normaliseAddress(value: string): string | undefined {
  return bareAddress(value);
}

type EventData = {
  to?: unknown;
  bounce?: { type?: unknown; message?: unknown };
  suppressed?: { message?: unknown };
};

/** What MailKit knows of the send an event is about: its status before the event, its cost, its recipients. */
export type EventSend = { status: string; cost: number; to: string[]; cc: string[]; bcc: string[] };

/** Outcomes that show the email reached (or was refused by) its recipients' servers: a later failure refunds nothing. */
const DELIVERY_OUTCOMES = ["delivered", "bounced", "complained", "suppressed"];

/**
 * Which of the send's own recipients an event is about. Addresses the send did not have never count. Resend's
 * event types carry a `to` list that may be the email's whole To list whoever bounced (cc and bcc not at all),
 * so: a one-recipient email's event is about that recipient; an event whose `to` names only some of the
 * email's To recipients is about those; one that names them all is about those its own message names (a bounce's
 * `bounce.message` usually quotes the refused address), cc and bcc recipients included.
 * `concerns` is false when the event's `to` names none of the send's recipients.
 */
export function recipientsOfEvent(data: EventData, send: EventSend): { concerns: boolean; addresses: string[] } {
  const recipients = distinctRecipients(send);
  const named = addressesOf(data.to).filter((address) => recipients.includes(address));
  if (addressesOf(data.to).length > 0 && named.length === 0) return { concerns: false, addresses: [] };
  if (recipients.length === 1) return { concerns: true, addresses: recipients };
  const toList = distinctRecipients({ to: send.to });
  if (named.length > 0 && toList.some((address) => !named.includes(address)))
    return { concerns: true, addresses: named };
  const message = [data.bounce?.message, data.suppressed?.message]
    .filter((m): m is string => typeof m === "string")
    .join(" ")
    .toLowerCase();
  return { concerns: true, addresses: recipients.filter((address) => mentions(message, address)) };
}

/** The address appears in the text as a whole address (not as the tail of a longer one). */
function mentions(text: string, address: string): boolean {
  for (let at = text.indexOf(address); at !== -1; at = text.indexOf(address, at + 1)) {
    const before = text[at - 1] ?? " ";
    const after = text[at + address.length] ?? " ";
    if (!/[a-z0-9.!#$%&'*+/=?^_`{|}~-]/.test(before) && !/[a-z0-9-]/.test(after)) return true;
  }
  return false;
}

/**
 * The addresses a Resend delivery event puts on the sender's list: the identified recipients (above) of a hard
 * bounce (`email.bounced` with `bounce.type` "Permanent"; transient and undetermined bounces are not final) and
 * of a complaint (`email.complained`). Other events suppress nothing.
 */
export function suppressionsOf(
  type: string,
  data: EventData,
  send: EventSend,
): { address: string; reason: SuppressionReason }[] {
  let reason: SuppressionReason;
  if (type === "email.complained") reason = "complaint";
  else if (type === "email.bounced" && data.bounce?.type === "Permanent") reason = "bounce";
  else return [];
  return recipientsOfEvent(data, send).addresses.map((address) => ({ address, reason }));
}

/**
 * What an event Resend sends after accepting an email credits back: `email.failed` → the email's whole cost
 * (nothing was delivered), unless the send already has a delivery outcome (then the failure refunds nothing);
 * `email.suppressed` → one credit per identified suppressed recipient, at least one (some recipient was
 * suppressed) and at most the cost. Null for other events and for events about other recipients.
 */
export function creditBackOf(
  type: string,
  data: EventData,
  send: EventSend,
): { reason: "failed" | "suppressed"; credits: number } | null {
  if (type === "email.failed")
    return DELIVERY_OUTCOMES.includes(send.status) ? null : { reason: "failed", credits: send.cost };
  if (type !== "email.suppressed") return null;
  const { concerns, addresses } = recipientsOfEvent(data, send);
  if (!concerns || send.cost === 0) return null;
  return { reason: "suppressed", credits: Math.min(send.cost, creditsForRecipients(Math.max(1, addresses.length))) };
}

function addressesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const seen = new Set<string>();
  for (const item of value) {
    const address = typeof item === "string" ? normaliseAddress(item) : undefined;
    if (address) seen.add(address);
  }
  return [...seen];
}

export type Addressed = { to: string[]; cc: string[]; bcc: string[] };

export type Stripped<T extends Addressed> =
  | { ok: true; emails: T[]; suppressed: string[][] }
  /** An email whose `to` recipients are all suppressed cannot go (Resend needs a `to`): which one, and whom. */
  | { ok: false; index: number; addresses: string[] };

/**
 * The emails with every suppressed recipient removed from to, cc and bcc (compared bare and lower-cased), and
 * per email which recipients were removed. An email left without a `to` is refused as a whole.
 */
export function withoutSuppressed<T extends Addressed>(emails: T[], suppressed: Iterable<string>): Stripped<T> {
  const set = new Set([...suppressed].map((a) => normaliseAddress(a) ?? a.toLowerCase()));
  const out: T[] = [];
  const removed: string[][] = [];
  for (const [index, email] of emails.entries()) {
    const gone = new Set<string>();
    const keep = (list: string[]) =>
      list.filter((value) => {
        const address = normaliseAddress(value);
        if (address && set.has(address)) {
          gone.add(address);
          return false;
        }
        return true;
      });
    const to = keep(email.to);
    const cc = keep(email.cc);
    const bcc = keep(email.bcc);
    if (to.length === 0) {
      const all = distinctRecipients(email).filter((a) => set.has(a));
      return { ok: false, index, addresses: all };
    }
    out.push({ ...email, to, cc, bcc });
    removed.push([...gone]);
  }
  return { ok: true, emails: out, suppressed: removed };
}

/** RFC 4180 CSV of a suppression list (header row; every field quoted when it needs to be). */
export function suppressionsCsv(
  rows: { address: string; reason: string; createdAt: Date; sendId: string | null }[],
): string {
  const field = (raw: string) => {
    // A leading = + - @ would make a spreadsheet evaluate the cell (addresses may start with = or +).
    const value = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
    return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
  };
  const lines = [["address", "reason", "created_at", "email_id"].join(",")];
  for (const row of rows)
    lines.push([row.address, row.reason, row.createdAt.toISOString(), row.sendId ?? ""].map(field).join(","));
  return lines.join("\r\n") + "\r\n";
}
