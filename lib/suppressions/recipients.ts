import { bareAddress, distinctRecipients } from "@/lib/sending/recipients";

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

type EventData = { to?: unknown; bounce?: { type?: unknown } };

/**
 * The addresses a Resend delivery event puts on the sender's list: every recipient of a hard bounce
 * (`email.bounced` with `bounce.type` "Permanent"; transient and undetermined bounces are not final) and of a
 * complaint (`email.complained`). Other events suppress nothing.
 */
export function suppressionsOf(type: string, data: EventData): { address: string; reason: SuppressionReason }[] {
  let reason: SuppressionReason;
  if (type === "email.complained") reason = "complaint";
  else if (type === "email.bounced" && data.bounce?.type === "Permanent") reason = "bounce";
  else return [];
  return addressesOf(data.to).map((address) => ({ address, reason }));
}

/**
 * What an event Resend sends after accepting an email credits back: `email.failed` → the email's whole cost
 * (nothing was delivered); `email.suppressed` → one credit per suppressed recipient of the email (the event's
 * `to`; the whole cost when it names none). Null for other events.
 */
export function creditBackOf(
  type: string,
  data: EventData,
  send: { cost: number; to: string[]; cc: string[]; bcc: string[] },
): { reason: "failed" | "suppressed"; credits: number } | null {
  if (type === "email.failed") return { reason: "failed", credits: send.cost };
  if (type !== "email.suppressed") return null;
  const named = addressesOf(data.to);
  if (named.length === 0) return { reason: "suppressed", credits: send.cost };
  const recipients = new Set(distinctRecipients(send));
  const credits = Math.min(send.cost, named.filter((a) => recipients.has(a)).length);
  return credits > 0 ? { reason: "suppressed", credits } : null;
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
