/**
 * The one order of an accepted send's delivery statuses, used by every path that moves one (the webhook
 * transaction, the one-statement webhook path, reconciliation). A delivery outcome (delivered, bounced, suppressed,
 * complained) is never replaced by a progress status (scheduled, sent, delivery_delayed); otherwise the newer
 * event wins, and at equal times the higher rank, whatever order the events arrive in.
 */
export const STATUS_ORDER = [
  "scheduled",
  "sent",
  "delivery_delayed",
  "delivered",
  "bounced",
  "suppressed",
  "complained",
] as const;

/** The rank of a status (higher wins ties); -1 for statuses outside the order (queued, unknown, failed). */
export function statusRank(status: string): number {
  return (STATUS_ORDER as readonly string[]).indexOf(status);
}

/** Ranks from here on are delivery outcomes. */
export const FIRST_OUTCOME_RANK = statusRank("delivered");

export type StatusAt = { status: string; at: Date | null };

/**
 * Whether an event's status (at its time) replaces the send's current status (set at `at`). A total order on
 * (is a delivery outcome, time, rank), so the result never depends on the order events arrive in.
 */
export function supersedes(next: { status: string; at: Date }, current: StatusAt): boolean {
  const nextRank = statusRank(next.status);
  const currentRank = statusRank(current.status);
  if (nextRank < 0) return false;
  const [nextOutcome, currentOutcome] = [nextRank >= FIRST_OUTCOME_RANK, currentRank >= FIRST_OUTCOME_RANK];
  if (nextOutcome !== currentOutcome) return nextOutcome;
  if (current.at === null) return true;
  const [nextTime, currentTime] = [next.at.getTime(), current.at.getTime()];
  return nextTime > currentTime || (nextTime === currentTime && nextRank > currentRank);
}

/**
 * `supersedes` in SQL, for statements that move a send in one round trip. `status` and `lastEventAt` are the
 * row's columns; `nextStatus` and `at` are parameters; `order` is a parameter bound to STATUS_ORDER (text[]).
 */
export function supersedesSql(sql: {
  status: string;
  lastEventAt: string;
  nextStatus: string;
  at: string;
  order: string;
}): string {
  const rank = (expr: string) => `(COALESCE(array_position(${sql.order}, ${expr}), 0) - 1)`;
  const [next, current] = [rank(sql.nextStatus), rank(sql.status)];
  const [nextOutcome, currentOutcome] = [`(${next} >= ${FIRST_OUTCOME_RANK})`, `(${current} >= ${FIRST_OUTCOME_RANK})`];
  return `(${next} >= 0 AND (
    (${nextOutcome} AND NOT ${currentOutcome})
    OR (${nextOutcome} = ${currentOutcome} AND (${sql.lastEventAt} IS NULL OR ${sql.lastEventAt} < ${sql.at}
        OR (${sql.lastEventAt} = ${sql.at} AND ${next} > ${current})))))`;
}

/** The status a set of stored events leaves an accepted send in (the events applied in the one order). */
export function statusAfter(current: StatusAt, events: { status: string | undefined; at: Date }[]): StatusAt {
  let state = current;
  for (const event of events)
    if (event.status && supersedes({ status: event.status, at: event.at }, state))
      state = { status: event.status, at: event.at };
  return state;
}
