import { pruneExpiredIdempotencyKeys } from "@/lib/api/idempotency";
import { CREDIT_SYNC_LOOP, runRequestedSyncs } from "@/lib/credits";
import { DEBITS_LOOP, debitPass } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { DOMAINS_LOOP, pollDomains } from "@/lib/domains/sync";
import { runDueJobs } from "@/lib/outbox/worker";
import { startLoop } from "@/lib/runtime/loops";
import { getSendingConfig } from "@/lib/sending/config";
import { DISPATCHER_LOOP, dispatchPass } from "@/lib/sending/dispatcher";
import { pruneWebhookDeliveries, WEBHOOK_DELIVERY_LOOP, webhookDeliveryPass } from "@/lib/webhooks/delivery";

/**
 * Work each server instance does in the background (lib/runtime/loops.ts). Instances coordinate through the
 * database (leases, FOR UPDATE SKIP LOCKED, the shared Resend budget), so running many is safe.
 */
export function startBackgroundWork(): void {
  const config = getSendingConfig();
  // Packs queued sends into Resend calls within the platform-wide budget, and repeats calls whose outcome was unknown.
  startLoop(DISPATCHER_LOOP, config.dispatchIntervalMs, dispatchPass);
  // Cuts and posts coalesced Dodo debits for what Resend accepted.
  startLoop(DEBITS_LOOP, config.billingIntervalMs, () => debitPass());
  // Re-reads Dodo balances that credit webhooks asked for and could not settle at once.
  startLoop(CREDIT_SYNC_LOOP, 1_000, () => runRequestedSyncs());
  // Durable jobs (low-balance emails).
  startLoop("outbox", 500, () => runDueJobs());
  // Signed deliveries to customers' webhook endpoints, with retries (lib/webhooks).
  startLoop(WEBHOOK_DELIVERY_LOOP, 1_000, webhookDeliveryPass);
  // Re-reads sender domains from Resend (status and DNS records) in case a domain.* webhook was missed.
  startLoop(DOMAINS_LOOP, 5_000, () => pollDomains());
  startLoop("cleanup", 3600_000, cleanUp);
}

async function cleanUp(): Promise<number> {
  const keys = await pruneExpiredIdempotencyKeys();
  const hourAgo = new Date(Date.now() - 3600_000);
  const buckets = await db.rateLimitBucket.deleteMany({ where: { windowStart: { lt: hourAgo } } });
  const weekAgo = new Date(Date.now() - 7 * 24 * 3600_000);
  const calls = await db.deliveryBatch.deleteMany({ where: { status: "done", completedAt: { lt: weekAgo } } });
  await pruneWebhookDeliveries();
  return keys + buckets.count + calls.count > 0 ? 0 : 0; // hourly either way
}
