import { db } from "@/lib/db";
import { logger } from "@/lib/runtime/log";
import { getTuning } from "@/lib/runtime/tuning";

import type { ClaimedBatch } from "./settle";

/**
 * We cannot tell whether Resend sent it (or it asked us to slow down): keep the holds and repeat the same call
 * (same key, same members) later. Past Resend's replay window a repeat could send twice, so the call is left
 * `stuck` for a person, its sends still held: never free, never double.
 */
export async function retryLater(batch: ClaimedBatch, reason: string, retryAfterMs?: number): Promise<void> {
  const tuning = getTuning();
  const delay = retryAfterMs ?? retryDelayMs(batch.attempts, tuning);
  const expired = Date.now() - batch.createdAt.getTime() + delay > tuning.resolveWithinMs;
  const lastError = expired
    ? `Unresolved before Resend's idempotency window ends; needs review. Last: ${reason}`
    : reason;
  if (expired) logger("dispatcher").error({ batchId: batch.id, reason: lastError }, "delivery call unresolved");
  await db.deliveryBatch.updateMany({
    where: { id: batch.id, status: "pending" },
    data: {
      status: expired ? "stuck" : "pending",
      nextAttemptAt: new Date(Date.now() + delay),
      leaseUntil: null,
      lastError: lastError.slice(0, 1000),
    },
  });
  // The customer sees "Confirming" while Resend's answer is unknown (a 429 is simply still queued).
  if (retryAfterMs === undefined) {
    await db.emailSend.updateMany({
      where: { id: { in: batch.sendIds }, status: "queued" },
      data: { status: "unknown", lastError: reason.slice(0, 1000) },
    });
  }
}

/** Delay before retry number `attempt` (1-based) of a call whose outcome was unknown. */
export function retryDelayMs(attempt: number, tuning = getTuning()): number {
  return Math.min(tuning.retryBaseDelayMs * 2 ** Math.max(0, attempt - 1), tuning.maxRetryDelayMs);
}
