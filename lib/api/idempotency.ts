import { createHash } from "node:crypto";

import { db, Prisma } from "@/lib/db";
import type { Tx } from "@/lib/outbox";
import { getSendingConfig } from "@/lib/sending/config";

import { apiErrors } from "./errors";

/**
 * The public API's `Idempotency-Key` (Resend semantics, kept 24 h): the same key with the same body answers
 * the original response and sends nothing; a different body, or the original still in flight, is a 409.
 *
 * The key is recorded inside the transaction that holds the credits and inserts the sends (see
 * sendEmails' beforeHold), so it exists exactly when its sends do: a refused request (402, validation)
 * leaves no key behind and may be retried, and two concurrent requests with one key cannot both send —
 * the second waits on the unique index and then finds the first.
 */

export type IdempotencyClaim = { userId: string; endpoint: string; key: string; requestHash: string };

export type StoredResponse = { status: number; body: Record<string, unknown> };

export type Prior =
  | { kind: "replay"; response: StoredResponse }
  | { kind: "mismatch" }
  | { kind: "in_flight" }
  /** The request that claimed the key died before answering; its sends exist (the sweeper settles them). */
  | { kind: "abandoned"; sendIds: string[] };

/** The header's value, or null without one; 400 when it is empty or longer than 256 characters. */
export function readIdempotencyKey(request: Request): string | null {
  const value = request.headers.get("idempotency-key");
  if (value === null) return null;
  if (value.length < 1 || value.length > 256) throw apiErrors.invalidIdempotencyKey();
  return value;
}

/** sha256 of the body with object keys sorted, so the same payload matches whatever its key order. */
export function hashRequestBody(body: unknown): string {
  return createHash("sha256").update(canonicalJson(body)).digest("hex");
}

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

const whereClaim = (claim: IdempotencyClaim) => ({
  userId_endpoint_key: { userId: claim.userId, endpoint: claim.endpoint, key: claim.key },
});

/** What an earlier request with this key means for this one; null when the key is free (or expired). */
export async function findPrior(claim: IdempotencyClaim): Promise<Prior | null> {
  const record = await db.apiIdempotencyKey.findUnique({ where: whereClaim(claim) });
  if (!record) return null;
  if (record.expiresAt.getTime() <= Date.now()) {
    await db.apiIdempotencyKey.deleteMany({ where: { id: record.id, expiresAt: { lte: new Date() } } });
    return null;
  }
  if (record.requestHash !== claim.requestHash) return { kind: "mismatch" };
  if (record.responseStatus !== null && record.responseBody !== null) {
    return {
      kind: "replay",
      response: { status: record.responseStatus, body: record.responseBody as Record<string, unknown> },
    };
  }
  const age = Date.now() - record.createdAt.getTime();
  return age < getSendingConfig().abandonedAfterMs
    ? { kind: "in_flight" }
    : { kind: "abandoned", sendIds: record.sendIds };
}

/** For sendEmails' beforeHold: records the key with its sends, in the holding transaction. */
export function claimInTransaction(claim: IdempotencyClaim) {
  return async (tx: Tx, sendIds: string[]) => {
    await tx.apiIdempotencyKey.create({
      data: { ...claim, sendIds, expiresAt: new Date(Date.now() + getSendingConfig().idempotencyTtlMs) },
    });
  };
}

export async function storeResponse(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
  await db.apiIdempotencyKey.updateMany({
    where: { userId: claim.userId, endpoint: claim.endpoint, key: claim.key },
    data: { responseStatus: response.status, responseBody: response.body as Prisma.InputJsonValue },
  });
}

/** Drops the key (after a refusal that charged nothing), so a corrected retry can use it again. */
export async function forgetClaim(claim: IdempotencyClaim): Promise<void> {
  await db.apiIdempotencyKey.deleteMany({ where: { userId: claim.userId, endpoint: claim.endpoint, key: claim.key } });
}

/** A concurrent request inserted the same key first (the unique index refused ours). */
export function isClaimConflict(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

/** Deletes expired keys (the sweeper calls this now and then). */
export async function pruneExpiredIdempotencyKeys(): Promise<number> {
  const { count } = await db.apiIdempotencyKey.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return count;
}

const globalForPruner = globalThis as unknown as { __mailkitIdempotencyPruner?: NodeJS.Timeout };

/** Deletes expired keys hourly (each instance; deleting twice is harmless). */
export function startIdempotencyPruner(intervalMs = 3600_000): void {
  if (globalForPruner.__mailkitIdempotencyPruner) return;
  globalForPruner.__mailkitIdempotencyPruner = setInterval(() => {
    pruneExpiredIdempotencyKeys().catch((error) =>
      console.error("[idempotency] prune failed:", (error as Error).message),
    );
  }, intervalMs);
  globalForPruner.__mailkitIdempotencyPruner.unref?.();
}
