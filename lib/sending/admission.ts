import { randomUUID } from "node:crypto";

import { availableOf } from "@/lib/credits";
import { db, sql } from "@/lib/db";
import { distinctRecipients } from "@/lib/mail/recipients";
import { processSingleton } from "@/lib/runtime/singleton";
import { findSuppressed } from "@/lib/suppressions";

/**
 * Admission: hold a request's credits and record its sends (and its Idempotency-Key with the answer) in ONE
 * SQL statement, so the request path costs one round trip and no lock outlives a statement.
 *
 * A customer's sends all update that customer's CreditAccount row, and PostgreSQL serialises updates of one
 * row (each waits for the previous commit). So requests of the same customer that arrive while a statement
 * is running are admitted together by the next one: one row update for the whole group. If the group does not
 * fit in the credits available, its requests are admitted one at a time, each conditional on its own cost —
 * so admission stays exact (balance 5, 50 parallel sends of 1 → exactly 5 admitted), in one instance or many.
 */

/** An EmailSend row as inserted (every column; see prisma/schema.prisma). */
export type SendRowInput = {
  id: string;
  userId: string;
  customerId: string;
  apiKeyId: string | null;
  source: string;
  batchId: string | null;
  batchIndex: number | null;
  fromAddress: string;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  payload: unknown;
  cost: number;
  batchable: boolean;
};

/** The client's Idempotency-Key, stored with the answer in the admitting statement. */
export type IdempotencyRecord = {
  userId: string;
  endpoint: string;
  key: string;
  requestHash: string;
  /** The answer, without `credits_remaining` (added from the hold's result). */
  responseBody: Record<string, unknown>;
  expiresAt: Date;
};

export type AdmissionRequest = {
  customerId: string;
  rows: SendRowInput[];
  idempotency?: IdempotencyRecord;
};

export type AdmissionResult =
  | { admitted: true; available: number }
  | { admitted: false; available: number }
  /** Some recipients are on the customer's suppression list (nothing was held): take them out and try again. */
  | { admitted: false; suppressed: string[] }
  /** Another request recorded the same Idempotency-Key first (nothing was held for this one). */
  | { admitted: false; idempotencyConflict: true };

const MAX_GROUP_REQUESTS = 200;

type Waiting = { request: AdmissionRequest; resolve: (r: AdmissionResult) => void; reject: (e: unknown) => void };
type CustomerQueue = { waiting: Waiting[]; running: boolean };

const queues = processSingleton("admission-queues", () => new Map<string, CustomerQueue>());

/** Holds the credits and records the sends, or refuses (not enough credits, or a duplicate Idempotency-Key). */
export function admit(request: AdmissionRequest): Promise<AdmissionResult> {
  return new Promise((resolve, reject) => {
    let queue = queues.get(request.customerId);
    if (!queue) {
      queue = { waiting: [], running: false };
      queues.set(request.customerId, queue);
    }
    queue.waiting.push({ request, resolve, reject });
    if (!queue.running) void drain(request.customerId, queue);
  });
}

async function drain(customerId: string, queue: CustomerQueue): Promise<void> {
  queue.running = true;
  try {
    while (queue.waiting.length) await admitGroup(queue.waiting.splice(0, MAX_GROUP_REQUESTS));
  } finally {
    queue.running = false;
    if (queues.get(customerId) === queue && queue.waiting.length === 0) queues.delete(customerId);
  }
}

async function admitGroup(group: Waiting[]): Promise<void> {
  if (group.length > 1) {
    try {
      const result = await holdAndRecord(group.map((w) => w.request));
      if (result.admitted) {
        for (const waiting of group) waiting.resolve(result);
        return;
      }
    } catch {
      // e.g. two requests of the group share an Idempotency-Key: sort it out one request at a time.
    }
  }
  for (const waiting of group) {
    try {
      waiting.resolve(await holdAndRecord([waiting.request]));
    } catch (error) {
      if (isUniqueViolation(error)) waiting.resolve({ admitted: false, idempotencyConflict: true });
      else waiting.reject(error);
    }
  }
}

// One statement: the conditional hold, then (only if it held) the sends, the Idempotency-Keys with their
// answers and the journal entry. Data-modifying CTEs commit or fail together.
const ADMIT_SQL = `
WITH hold AS (
  UPDATE "CreditAccount" SET "reserved" = "reserved" + $2::int, "updatedAt" = now()
  WHERE "customerId" = $1::text AND "balance" - "reserved" >= $2::int
    AND NOT EXISTS (SELECT 1 FROM "Suppression" s
                    WHERE s."customerId" = $1::text AND s."address" IN (SELECT jsonb_array_elements_text($7::jsonb)))
  RETURNING "balance", "reserved"
), sends AS (
  INSERT INTO "EmailSend"
  SELECT r.* FROM jsonb_populate_recordset(NULL::"EmailSend", $3::jsonb) r WHERE EXISTS (SELECT 1 FROM hold)
  RETURNING 1
), idempotency AS (
  INSERT INTO "ApiIdempotencyKey"
    ("id", "userId", "endpoint", "key", "requestHash", "sendIds", "responseStatus", "responseBody", "createdAt", "expiresAt")
  SELECT k."id", k."userId", k."endpoint", k."key", k."requestHash", k."sendIds", 200,
         k."responseBody" || jsonb_build_object('credits_remaining', h."balance" - h."reserved"), now(), k."expiresAt"
  FROM jsonb_to_recordset($4::jsonb) AS k("id" text, "userId" text, "endpoint" text, "key" text, "requestHash" text,
       "sendIds" text[], "responseBody" jsonb, "expiresAt" timestamp(3)), hold h
  RETURNING 1
), journal AS (
  INSERT INTO "CreditEntry" ("id", "customerId", "kind", "amount", "balanceAfter", "reservedAfter", "reference", "idempotencyKey", "createdAt")
  SELECT $5::text, $1::text, 'reserve', $2::int, h."balance", h."reserved", $6::text, 'reserve:' || $6::text, now()
  FROM hold h
  RETURNING 1
)
SELECT h."balance", h."reserved", (SELECT count(*) FROM sends)::int AS "sends",
       (SELECT count(*) FROM idempotency)::int AS "keys", (SELECT count(*) FROM journal)::int AS "entries"
FROM hold h`;

async function holdAndRecord(requests: AdmissionRequest[]): Promise<AdmissionResult> {
  const customerId = requests[0]!.customerId;
  const rows = requests.flatMap((r) => r.rows);
  const cost = rows.reduce((sum, row) => sum + row.cost, 0);
  const recipients = [...new Set(rows.flatMap((row) => distinctRecipients(row)))];
  const now = new Date().toISOString();
  const sendRows = rows.map((row) => ({
    ...row,
    // What the dispatcher packs by (a byte budget per call) without reading payloads.
    payloadBytes: Buffer.byteLength(JSON.stringify(row.payload)),
    status: "queued",
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  }));
  const keys = requests.flatMap((r) =>
    r.idempotency
      ? [
          {
            id: randomUUID(),
            ...r.idempotency,
            sendIds: r.rows.map((row) => row.id),
            expiresAt: r.idempotency.expiresAt.toISOString(),
          },
        ]
      : [],
  );
  // The hold's reference: the send id, or the request group's own id.
  const reference = rows.length === 1 ? rows[0]!.id : `group:${randomUUID()}`;
  const result = await sql<{ balance: number; reserved: number }>(ADMIT_SQL, [
    customerId,
    cost,
    JSON.stringify(sendRows),
    JSON.stringify(keys),
    randomUUID(),
    reference,
    JSON.stringify(recipients),
  ]);
  const held = result[0];
  if (held) return { admitted: true, available: availableOf(held) };
  // Refused: a suppressed recipient (lib/suppressions), or not enough credits.
  const suppressed = await findSuppressed(customerId, recipients);
  if (suppressed.length) return { admitted: false, suppressed };
  const account = await db.creditAccount.findUnique({
    where: { customerId },
    select: { balance: true, reserved: true },
  });
  return { admitted: false, available: availableOf(account) };
}

/** A unique index refused a row (here: an Idempotency-Key recorded by a concurrent request). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as {
    code?: string;
    meta?: { code?: string; driverAdapterError?: { cause?: { kind?: string } } };
    message?: string;
  };
  if (e?.code === "P2002" || e?.code === "23505") return true;
  if (e?.meta?.code === "23505") return true;
  if (e?.meta?.driverAdapterError?.cause?.kind === "UniqueConstraintViolation") return true;
  return typeof e?.message === "string" && /23505|unique constraint/i.test(e.message);
}
