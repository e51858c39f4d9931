/**
 * When the poller reads a domain again. Resend's domain.* webhooks are the main source; polling catches what a
 * webhook missed. A domain whose reading changed nothing is read half as often next time (exponential backoff):
 * while Resend checks DNS (pending, temporary_failure, partially_*) from 10 s up to 1 h; once settled (verified,
 * failed, or not_started, which Resend does not check until asked) from 1 h up to a day.
 */

const SETTLED_STATUSES = new Set(["verified", "failed", "not_started"]);
const UNSETTLED = { baseMs: 10_000, maxMs: 3600_000 };
const SETTLED = { baseMs: 3600_000, maxMs: 24 * 3600_000 };

/** The delay before the next poll of a domain in `status` after `unchangedChecks` readings that changed nothing. */
export function nextCheckDelayMs(status: string, unchangedChecks: number): number {
  const { baseMs, maxMs } = SETTLED_STATUSES.has(status) ? SETTLED : UNSETTLED;
  return Math.min(maxMs, baseMs * 2 ** Math.min(Math.max(0, unchangedChecks), 30));
}

/** The records' statuses in order, to tell whether a reading changed anything besides the domain's status. */
export function recordStatuses(records: unknown): string {
  if (!Array.isArray(records)) return "";
  return records
    .map((r: unknown) => (r && typeof r === "object" && "status" in r ? String((r as { status: unknown }).status) : ""))
    .join(",");
}
