import { timingSafeEqual } from "node:crypto";

import { BALANCE_WATCH_LOOP, balanceWatchPass, registerBillingJobs } from "@/lib/billing/background";
import { EXPIRY_WARNINGS_LOOP, expiryWarningPass } from "@/lib/billing/expiry";
import { CREDIT_SYNC_LOOP, runRequestedSyncs } from "@/lib/credits";
import { DEBITS_LOOP, debitPass } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { DOMAINS_LOOP, pollDomains } from "@/lib/domains/sync";
import { getEnv } from "@/lib/env";
import { runsLoops, type Role } from "@/lib/env/runtime";
import { HttpError } from "@/lib/errors";
import { pruneExpiredIdempotencyKeys } from "@/lib/keys/idempotency";
import { registerJobHandler, runDueJobs } from "@/lib/outbox/worker";
import { pruneRequestLog, REQUEST_LOG_DAYS } from "@/lib/request-log";
import { registerOnDemandLoop, runLoopOnce, startLoop, type LoopTick } from "@/lib/runtime/loops";
import { getTuning } from "@/lib/runtime/tuning";
import { DISPATCHER_LOOP, dispatchPass } from "@/lib/sending/dispatcher";
import { RECONCILE_LOOP, reconcilePass } from "@/lib/sending/reconcile";
import { CREDIT_BACK_JOB, postCreditBack } from "@/lib/suppressions/credit-back";
import {
  pruneWebhookDeliveries,
  WEBHOOK_DELIVERY_LOOP,
  WEBHOOK_DISABLED_EMAIL_JOB,
  webhookDeliveryPass,
} from "@/lib/webhooks/delivery";
import { sendWebhookDisabledNotice } from "@/lib/webhooks/notify";

/**
 * The background work (lib/runtime/loops.ts): the worker and all roles run every loop; a web instance runs the
 * dispatcher only on demand, right after it admits a send; /api/cron runs one pass of every loop. Instances
 * coordinate through the database (leases, FOR UPDATE SKIP LOCKED, the shared Resend budget), so running any
 * number of each role is safe.
 */

type BackgroundLoop = { name: string; intervalMs: () => number; tick: LoopTick };

export const BACKGROUND_LOOPS: BackgroundLoop[] = [
  // Packs queued sends into Resend calls within the platform-wide budget, and repeats calls whose outcome was unknown.
  { name: DISPATCHER_LOOP, intervalMs: () => getTuning().dispatchIntervalMs, tick: dispatchPass },
  // Cuts and posts coalesced Dodo debits for what Resend accepted.
  { name: DEBITS_LOOP, intervalMs: () => getTuning().billingIntervalMs, tick: () => debitPass() },
  // Re-reads Dodo balances that credit webhooks asked for and could not settle at once.
  { name: CREDIT_SYNC_LOOP, intervalMs: () => 1_000, tick: () => runRequestedSyncs() },
  // Durable jobs (owners' emails, credit-backs, auto top-ups: registerJobHandlers).
  { name: "outbox", intervalMs: () => 500, tick: () => runDueJobs() },
  // Signed deliveries to customers' webhook endpoints, with retries (lib/webhooks).
  { name: WEBHOOK_DELIVERY_LOOP, intervalMs: () => 1_000, tick: webhookDeliveryPass },
  // Re-reads sender domains from Resend (status and DNS records) in case a domain.* webhook was missed.
  { name: DOMAINS_LOOP, intervalMs: () => 1_000, tick: () => pollDomains() },
  // Asks Resend about sends stuck in `sent` (their delivery webhooks were lost).
  { name: RECONCILE_LOOP, intervalMs: () => 60_000, tick: async () => (await reconcilePass(), false) },
  { name: "cleanup", intervalMs: () => 3600_000, tick: cleanUp },
  // Forgets API request log entries older than 30 days (lib/request-log).
  {
    name: "request-log-prune",
    intervalMs: () => 3600_000,
    tick: async () => (await pruneRequestLog(REQUEST_LOG_DAYS), false),
  },
  // Auto top-ups and owners' own low-balance alerts, at the crossing (lib/billing/background.ts).
  { name: BALANCE_WATCH_LOOP, intervalMs: () => 500, tick: balanceWatchPass },
  // Emails owners 3 days before a grant with unspent credits expires.
  { name: EXPIRY_WARNINGS_LOOP, intervalMs: () => 60_000, tick: () => expiryWarningPass() },
];

/**
 * Every kind of outbox job and what runs it. The outbox (lib/outbox) depends on no domain, so the jobs are
 * registered here, before any loop can claim one; a kind left out fails loudly (UnregisteredJobKindError).
 */
export function registerJobHandlers(): void {
  registerBillingJobs();
  registerJobHandler(CREDIT_BACK_JOB, postCreditBack);
  registerJobHandler(WEBHOOK_DISABLED_EMAIL_JOB, sendWebhookDisabledNotice);
}

/** Starts the loops of `role`: every loop for worker and all; for web, the dispatcher on demand. */
export function startBackgroundWork(role: Role = "all"): void {
  registerJobHandlers();
  if (runsLoops(role)) {
    for (const loop of BACKGROUND_LOOPS) startLoop(loop.name, loop.intervalMs(), loop.tick);
  } else {
    registerOnDemandLoop(DISPATCHER_LOOP, dispatchPass);
  }
}

/**
 * One pass of every loop, one after another (the cron route of a platform without long-lived processes).
 * Loops this process does not run yet are registered on demand first. Returns each loop's outcome.
 */
export async function runEveryLoopOnce(): Promise<Array<{ loop: string; ok: boolean; ms: number; error?: string }>> {
  registerJobHandlers();
  const results = [];
  for (const loop of BACKGROUND_LOOPS) {
    registerOnDemandLoop(loop.name, loop.tick);
    const started = Date.now();
    const { error } = await runLoopOnce(loop.name);
    results.push({ loop: loop.name, ok: !error, ms: Date.now() - started, ...(error ? { error } : {}) });
  }
  return results;
}

/**
 * /api/cron is allowed with `Authorization: Bearer $CRON_SECRET` (Vercel Cron sends exactly that), compared in
 * constant time. Without a secret configured the route does not exist (404): nothing runs on a stranger's request.
 */
export function authorizeCron(authorization: string | null): void {
  const secret = getEnv().CRON_SECRET;
  if (!secret) throw new HttpError("not_found", "Not found");
  const given = Buffer.from(/^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "");
  const expected = Buffer.from(secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new HttpError(
      "unauthorized",
      "Send the cron secret as Authorization: Bearer <CRON_SECRET>.",
      {},
      {
        "www-authenticate": "Bearer",
      },
    );
  }
}

/** Shutdown: these delivery calls are still open and this process will not finish them; another may, now. */
export async function releaseDeliveryLeases(batchIds: string[]): Promise<void> {
  await db.deliveryBatch.updateMany({
    where: { id: { in: batchIds }, status: "pending" },
    data: { leaseUntil: null },
  });
}

/** Forgets what has outlived its use. Hourly whatever it removed: nothing here is a backlog to drain at once. */
async function cleanUp(): Promise<boolean> {
  await pruneExpiredIdempotencyKeys();
  const hourAgo = new Date(Date.now() - 3600_000);
  await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: hourAgo } } });
  const weekAgo = new Date(Date.now() - 7 * 24 * 3600_000);
  await db.deliveryBatch.deleteMany({ where: { status: "done", completedAt: { lt: weekAgo } } });
  await pruneWebhookDeliveries();
  return false;
}
