import { createHash } from "node:crypto";

import { db } from "@/lib/db";

import type { IdempotencyRow } from "./api-keys";

/**
 * The public API's `Idempotency-Key` (Resend semantics, kept 24 h): the same key with the same body answers
 * the original response and sends nothing; a different body, or the original still in flight, is a 409.
 *
 * The key is recorded with its answer by the statement that holds the credits and inserts the sends
 * (lib/sending/admission.ts), so it exists exactly when its sends do: a refused request (402, validation)
 * leaves no key behind and may be retried, and two concurrent requests with one key cannot both send —
 * the second waits on the unique index and then replays the first.
 */

export type StoredResponse = { status: number; body: Record<string, unknown> };

export type Prior = { kind: "replay"; response: StoredResponse } | { kind: "mismatch" } | { kind: "in_flight" };

/** sha256 of the body with object keys sorted, so the same payload matches whatever its key order. */
export function hashRequestBody(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

/** The emulator of Resend has a copy of its own (emulators/resend/store.ts): it stands for Resend, sharing no app code. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export type IdempotencyRequest = { endpoint: string; key: string; requestHash: string };

/**
 * What an earlier request with this key (read by the API gate in its one statement) means for this one; null
 * when the key is free. An expired key is deleted here, so the new request can record it again.
 */
export async function priorOutcome(
  userId: string,
  request: IdempotencyRequest,
  prior: IdempotencyRow | null,
): Promise<Prior | null> {
  if (!prior) return null;
  if (prior.expiresAt.getTime() <= Date.now()) {
    await db.apiIdempotencyKey.deleteMany({
      where: { userId, endpoint: request.endpoint, key: request.key, expiresAt: { lte: new Date() } },
    });
    return null;
  }
  if (prior.requestHash !== request.requestHash) return { kind: "mismatch" };
  if (prior.responseStatus !== null && prior.responseBody !== null)
    return { kind: "replay", response: { status: prior.responseStatus, body: prior.responseBody } };
  // Keys are recorded with their answer in one statement; only a row from an older MailKit can lack one.
  return { kind: "in_flight" };
}

/** Reads the key's record again (after a concurrent request with the same key won the race). */
export async function readPrior(userId: string, request: IdempotencyRequest): Promise<Prior | null> {
  const row = await db.apiIdempotencyKey.findUnique({
    where: { userId_endpoint_key: { userId, endpoint: request.endpoint, key: request.key } },
  });
  return priorOutcome(
    userId,
    request,
    row && { ...row, responseBody: row.responseBody as Record<string, unknown> | null },
  );
}

/** Deletes expired keys (the cleanup loop calls this). */
export async function pruneExpiredIdempotencyKeys(): Promise<number> {
  const { count } = await db.apiIdempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}
