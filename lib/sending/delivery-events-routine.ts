import { sql } from "@/lib/db";
import type { HandlerOutcome } from "@/lib/inbound/inbox";
import { metrics } from "@/lib/metrics";
import { AGAIN, BUSY, GroupCommit } from "@/lib/runtime/group-commit";
import { processSingleton } from "@/lib/runtime/singleton";
import { SEND_ID_TAG } from "@/lib/mail/send-tag";

import { parseTime, pickDetail, tagValue, type EmailEvent, type EmailEventData } from "./delivery-event-fields";
import { AFTER_SENDING } from "./sent-events";
import { ACCEPTED_STATUSES, STATUS_BY_EVENT } from "@/lib/mail/status";
import { STATUS_ORDER, supersedesSql } from "@/lib/mail/status-order";

/**
 * The express path of Resend's routine email events: one statement, shared by the events that arrive together, doing
 * what `apply` (lib/sending/delivery-events.ts) does, whenever it can. tests/integration/delivery-events-paths.test.ts
 * runs both on the same events and compares.
 */

/** Events with no outcome beyond the timeline and the status: no suppression, no credit back. */
export const ROUTINE_EMAIL_EVENTS = new Set([
  "email.sent",
  "email.delivered",
  "email.delivery_delayed",
  "email.opened",
  "email.clicked",
  "email.scheduled",
]);

// Every routine event of every email comes through here (one per email at least: delivered), so they cost a share
// of one statement instead of a transaction of seven. Events arriving together are written together (group
// commit): for each, lock its send and, unless its owner has a webhook endpoint for this type (that fan-out builds
// its payload in `apply`) or the send is scheduled and this event says Resend sent it (`apply` emits email.sent
// first), record the receipt, add the timeline entry and move the status exactly as `apply` does. Nothing is
// written for an event the statement answers "use apply" for. Of several events about one send, only the first
// is decided here; the others wait for the next group, so each sees the status the one before left. A send another
// transaction holds (settling its call, cutting a debit) is skipped, not waited for, and its event written again
// shortly after: a statement locking many sends would otherwise wait in a cycle with another that does.
const ROUTINE_EVENTS_SQL = `
WITH input AS (
  SELECT i.* FROM jsonb_to_recordset($1::jsonb) AS i("n" int, "resendId" text, "sendId" text, "type" text,
    "receipt" text, "at" text, "to" jsonb, "detail" jsonb, "status" text)
), resolved AS (
  SELECT i.*, row_number() OVER (PARTITION BY t."id" ORDER BY i."n") AS "nth", t."id" AS "target"
  FROM input i LEFT JOIN LATERAL (
    SELECT COALESCE((SELECT x."id" FROM "EmailSend" x WHERE x."resendId" = i."resendId" LIMIT 1), i."sendId") AS "id"
  ) t ON true
), target AS (
  SELECT s."id", s."status", s."userId" FROM "EmailSend" s
  WHERE s."id" IN (SELECT r."target" FROM resolved r WHERE r."nth" = 1)
  FOR UPDATE SKIP LOCKED
), eligible AS (
  SELECT r."n", r."type", r."receipt", r."at"::timestamp(3) AS "at", r."to", r."detail", r."status",
         t."id", t."status" AS "current"
  FROM resolved r JOIN target t ON t."id" = r."target" AND r."nth" = 1
  WHERE NOT (t."status" = 'scheduled' AND r."type" = ANY($4::text[]))
    AND NOT EXISTS (SELECT 1 FROM "WebhookEndpoint" e
                    WHERE e."userId" = t."userId" AND e."status" = 'enabled' AND r."type" = ANY(e."eventTypes"))
), receipt AS (
  INSERT INTO "WebhookReceipt" ("id", "source", "type") SELECT e."receipt", 'resend', e."type" FROM eligible e
  ON CONFLICT ("id") DO NOTHING
  RETURNING "id"
), recorded AS (
  SELECT e.* FROM eligible e WHERE e."receipt" IN (SELECT "id" FROM receipt)
), timeline AS (
  INSERT INTO "EmailEvent" ("id", "sendId", "type", "occurredAt", "recipients", "detail", "webhookId")
  SELECT gen_random_uuid()::text, e."id", e."type", e."at",
         ARRAY(SELECT jsonb_array_elements_text(COALESCE(e."to", '[]'::jsonb))), e."detail", e."receipt"
  FROM recorded e
  RETURNING 1
), moved AS (
  UPDATE "EmailSend" s
  SET "status" = CASE WHEN s."status" = ANY($2::text[]) THEN e."status" ELSE s."status" END,
      "lastEventAt" = e."at", "updatedAt" = now()
  FROM recorded e
  WHERE s."id" = e."id" AND e."status" IS NOT NULL AND CASE
    -- Before the acceptance: only the newest event's time is kept, for settling to apply (as in apply).
    WHEN NOT (s."status" = ANY($2::text[])) THEN s."lastEventAt" IS NULL OR s."lastEventAt" < e."at"
    ELSE ${supersedesSql({ status: 's."status"', lastEventAt: 's."lastEventAt"', nextStatus: 'e."status"', at: 'e."at"', order: "$3::text[]" })}
  END
  RETURNING e."n", (e."current" = ANY($2::text[])) AS "applied"
)
SELECT r."n", (r."nth" > 1) AS "again",
       (r."nth" = 1 AND NOT EXISTS (SELECT 1 FROM target t WHERE t."id" = r."target")
        AND EXISTS (SELECT 1 FROM "EmailSend" x WHERE x."id" = r."target")) AS "busy", EXISTS (SELECT 1 FROM target t WHERE t."id" = r."target") AS "found",
       EXISTS (SELECT 1 FROM eligible e WHERE e."n" = r."n") AS "eligible",
       EXISTS (SELECT 1 FROM recorded e WHERE e."n" = r."n") AS "recorded",
       (SELECT bool_or(m."applied") FROM moved m WHERE m."n" = r."n") AS "applied"
FROM resolved r`;

export type RoutineInput = {
  resendId: string | null;
  sendId: string | null;
  type: string;
  receipt: string;
  at: string;
  to: string[];
  detail?: unknown;
  status: string | null;
};
type RoutineRow = {
  n: number;
  again: boolean;
  busy: boolean;
  found: boolean;
  eligible: boolean;
  recorded: boolean;
  applied: boolean | null;
};
type RoutineResult = HandlerOutcome | "duplicate" | null;

/**
 * Writes events in one statement: each one's result, AGAIN for an event about a send decided earlier in it, or BUSY
 * for one whose send another transaction holds.
 */
export async function writeRoutineEvents(
  events: RoutineInput[],
): Promise<(RoutineResult | typeof AGAIN | typeof BUSY)[]> {
  const rows = await sql<RoutineRow>(ROUTINE_EVENTS_SQL, [
    JSON.stringify(events.map((event, n) => ({ n, ...event }))),
    ACCEPTED_STATUSES,
    STATUS_ORDER,
    AFTER_SENDING,
  ]);
  const byN = new Map(rows.map((row) => [row.n, row]));
  return events.map((event, n) => {
    const row = byN.get(n);
    if (row?.again) return AGAIN;
    if (row?.busy) return BUSY;
    // Not a send of ours, or its owner listens for this type: the full transaction decides.
    if (!row || !row.found || !row.eligible) return null;
    if (!row.recorded) return "duplicate";
    if (!row.applied) return { outcome: "recorded" };
    metrics.deliveryEvents.inc({ status: event.status! });
    return { outcome: "applied" };
  });
}

// Two groups at once: the next group's round trip overlaps the current one's.
const routineEvents = processSingleton(
  "routine-delivery-events",
  () => new GroupCommit(writeRoutineEvents, { inFlight: 2, maxGroup: 200, busyRetryMs: 20 }),
);

/**
 * A routine event in one statement: "duplicate", its outcome, or null when the event needs `apply` after all
 * (not routine, not a send of ours, or its owner listens for this type).
 */
export async function recordRoutineEmailEvent(event: EmailEvent, receiptId: string): Promise<RoutineResult> {
  const input = routineEventInput(event, receiptId);
  return input ? routineEvents.submit(input) : null;
}

/** What the statement needs of a routine event; null when it is not one, or names no send. */
export function routineEventInput(event: EmailEvent, receiptId: string): RoutineInput | null {
  if (!ROUTINE_EMAIL_EVENTS.has(event.type)) return null;
  const data: EmailEventData = event.data;
  const sendId = tagValue(data.tags, SEND_ID_TAG) ?? null;
  if (!data.email_id && !sendId) return null;
  const occurredAt = parseTime(event.created_at) ?? new Date();
  const { email_id: _id, created_at: _created, to, tags: _tags, ...detail } = event.data;
  return {
    resendId: data.email_id ?? null,
    sendId,
    type: event.type,
    receipt: receiptId,
    at: occurredAt.toISOString(),
    to: Array.isArray(to) ? to : [],
    // Left out when there is none: the column is then NULL, as `apply` writes it.
    detail: pickDetail(detail),
    status: STATUS_BY_EVENT[event.type] ?? null,
  };
}
