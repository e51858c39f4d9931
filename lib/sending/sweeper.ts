import type { CreateEmailOptions } from "resend";

import { db } from "@/lib/db";

import { getSendingConfig } from "./config";
import { deliverToResend } from "./provider";
import { settle, settleUnknown, unitIdempotencyKey, type DeliveryUnit } from "./settle";
import { isOpen } from "./status";

/**
 * Finishes sends whose outcome the request could not learn: `unknown` ones when their retry is due, and
 * `queued` ones whose request died between the hold and the outcome (a crash). It repeats the original
 * Resend call with the same idempotency key and body — Resend answers a repeat with the original response
 * for 24 h, so an email that did go out is not sent again — and then captures or releases like the request.
 *
 * Runs in every server instance (lib/background.ts). A unit is leased with FOR UPDATE SKIP LOCKED plus a
 * lease time, so two instances never retry the same send at once and a crashed instance's lease expires.
 * A batch is one unit, leased through its first row.
 */

const CLAIM_SQL = `
UPDATE "EmailSend" SET "leaseUntil" = $4
WHERE "id" IN (
  SELECT "id" FROM "EmailSend"
  WHERE ("batchIndex" IS NULL OR "batchIndex" = 0)
    AND (("status" = 'unknown' AND "nextAttemptAt" <= $1) OR ("status" = 'queued' AND "createdAt" <= $2))
    AND ("leaseUntil" IS NULL OR "leaseUntil" < $3)
  ORDER BY "createdAt"
  LIMIT $5
  FOR UPDATE SKIP LOCKED)
RETURNING "id", "batchId"`;

export type SweepOptions = {
  /** Treat this as the current time when deciding what is due (tests move it forward). */
  asOf?: Date;
  limit?: number;
};

/** One pass: claims due units and retries them. Returns how many units it worked on. */
export async function sweepUnsettledSends(options: SweepOptions = {}): Promise<number> {
  const config = getSendingConfig();
  const now = new Date();
  const asOf = options.asOf ?? now;
  const abandonedBefore = new Date(asOf.getTime() - config.abandonedAfterMs);
  const leaseUntil = new Date(now.getTime() + config.providerTimeoutMs + 30_000);
  const claimed = await db.$queryRawUnsafe<{ id: string; batchId: string | null }[]>(
    CLAIM_SQL,
    asOf,
    abandonedBefore,
    now,
    leaseUntil,
    options.limit ?? 20,
  );
  await Promise.all(
    claimed.map((lead) =>
      retryUnit(lead).catch((error) => console.error(`[sweeper] ${lead.id}:`, (error as Error).message)),
    ),
  );
  return claimed.length;
}

async function retryUnit(lead: { id: string; batchId: string | null }): Promise<void> {
  const rows = lead.batchId
    ? await db.emailSend.findMany({ where: { batchId: lead.batchId }, orderBy: { batchIndex: "asc" } })
    : await db.emailSend.findMany({ where: { id: lead.id } });
  const first = rows[0];
  if (!first) return;
  if (!rows.every((r) => isOpen(r.status))) {
    await db.emailSend.updateMany({ where: { id: { in: rows.map((r) => r.id) } }, data: { leaseUntil: null } });
    return;
  }
  const unit: DeliveryUnit = {
    customerId: first.customerId,
    batchId: first.batchId,
    sends: rows.map((r) => ({ id: r.id, cost: r.cost, payload: r.payload as unknown as CreateEmailOptions })),
    attempts: first.attempts,
    createdAt: first.createdAt,
  };
  // Past Resend's replay window a repeat could be a second email: stop, keep the hold, leave it for a person.
  if (Date.now() - first.createdAt.getTime() > getSendingConfig().resolveWithinMs) {
    await settleUnknown(unit, first.lastError ?? "no answer from Resend");
    return;
  }
  const outcome = await deliverToResend({
    idempotencyKey: unitIdempotencyKey(unit),
    emails: unit.sends.map((s) => s.payload),
    batch: !!first.batchId,
  });
  await settle(unit, outcome);
}

/** Sweeps until nothing is due, at most `maxPasses` times (tests and scripts). Returns the units worked on. */
export async function drainUnsettledSends(options: SweepOptions & { maxPasses?: number } = {}): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < (options.maxPasses ?? 10); pass++) {
    const count = await sweepUnsettledSends(options);
    if (count === 0) break;
    total += count;
  }
  return total;
}

const globalForSweeper = globalThis as unknown as { __mailkitSendSweeper?: NodeJS.Timeout };

/** Starts this instance's sweeper (instances share the work through leases). */
export function startSendSweeper(intervalMs = getSendingConfig().sweepIntervalMs): void {
  if (globalForSweeper.__mailkitSendSweeper) return;
  let running = false;
  const tick = async () => {
    if (running) return;
    running = true;
    try {
      while ((await sweepUnsettledSends()) > 0) {
        /* keep going while there is work */
      }
    } catch (error) {
      console.error("[sweeper]", (error as Error).message);
    } finally {
      running = false;
    }
  };
  globalForSweeper.__mailkitSendSweeper = setInterval(() => void tick(), intervalMs);
  globalForSweeper.__mailkitSendSweeper.unref?.();
}

export function stopSendSweeper(): void {
  if (globalForSweeper.__mailkitSendSweeper) clearInterval(globalForSweeper.__mailkitSendSweeper);
  globalForSweeper.__mailkitSendSweeper = undefined;
}
