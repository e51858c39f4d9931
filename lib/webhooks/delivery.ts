import { logger } from "@/lib/runtime/log";
import { db, sql } from "@/lib/db";
import { processSingleton } from "@/lib/runtime/singleton";

import { getWebhookConfig, type WebhookConfig } from "./config";
import { eventBody } from "./events";
import { recordOutcome, type ClaimedAttempt } from "./outcome";
import { postSigned } from "./post";

/**
 * The delivery loop: a worker pool per instance. Whenever a slot is free (a pass of the loop, or an attempt
 * finishing) it claims due deliveries — FOR UPDATE SKIP LOCKED + a lease, so instances share the work and a
 * crashed instance's claims expire — and starts each on its own: there is no pass-wide barrier, so a slow
 * endpoint holds only its own slots. Claims go round robin across endpoints (every endpoint's oldest due event
 * before any endpoint's second), and no endpoint has more than `maxInFlightPerEndpoint` attempts in flight
 * across all instances (one while it is failing, paused between failures). Each attempt POSTs the event signed with Standard Webhooks headers (post.ts) within
 * a short timeout on the first attempt and a longer one on retries, and records the outcome (outcome.ts):
 * 2xx succeeds; anything else is retried on the backoff schedule (at least once: receivers dedupe on
 * `webhook-id`).
 */

export const WEBHOOK_DELIVERY_LOOP = "webhook-deliveries";
export { WEBHOOK_DISABLED_EMAIL_JOB } from "./outcome";

type Claimed = ClaimedAttempt & { eventId: string; payload: unknown; url: string; secret: string };

// `busy` counts attempts in flight per endpoint (leased; a leased delivery was due when claimed, so both sets
// lie in the (status, nextAttemptAt) index range). `turn` is an event's place in its endpoint's line, after
// what is in flight: ordering by it interleaves endpoints, and turn <= the cap keeps each within its share.
// An endpoint that is failing gets one attempt at a time, a second more after each consecutive failure (up to
// failingPauseMaxMs): probing it costs little, and its first success restores full speed.
const CLAIM_SQL = `
WITH busy AS (
  SELECT "endpointId", count(*)::int AS n FROM "WebhookDelivery"
   WHERE "status" = 'pending' AND "nextAttemptAt" <= now() AND "leaseUntil" >= now()
   GROUP BY "endpointId"),
due AS (
  SELECT w."id", w."nextAttemptAt", CASE WHEN e."failingSince" IS NULL THEN $2::int ELSE 1 END AS cap,
         COALESCE(b.n, 0) + row_number() OVER (PARTITION BY w."endpointId" ORDER BY w."nextAttemptAt", w."id") AS turn
    FROM "WebhookDelivery" w
    JOIN "WebhookEndpoint" e ON e."id" = w."endpointId" AND e."status" = 'enabled'
         AND (e."failingSince" IS NULL
              OR e."updatedAt" <= now() - LEAST(e."failureStreak" * 1000, $4::int) * interval '1 millisecond')
    LEFT JOIN busy b ON b."endpointId" = w."endpointId"
   WHERE w."status" = 'pending' AND w."nextAttemptAt" <= now()
     AND (w."leaseUntil" IS NULL OR w."leaseUntil" < now())),
picked AS (
  SELECT w."id" FROM "WebhookDelivery" w
   WHERE w."id" = ANY(ARRAY(SELECT "id" FROM due WHERE turn <= cap ORDER BY turn, "nextAttemptAt" LIMIT $1))
     AND w."status" = 'pending' AND (w."leaseUntil" IS NULL OR w."leaseUntil" < now())
     FOR UPDATE SKIP LOCKED)
UPDATE "WebhookDelivery" d
   SET "leaseUntil" = now() + $3::int * interval '1 millisecond', "attempts" = d."attempts" + 1,
       "lastAttemptAt" = now()
  FROM "WebhookEndpoint" e
 WHERE d."id" IN (SELECT "id" FROM picked) AND e."id" = d."endpointId"
RETURNING d."id", d."endpointId", d."eventId", d."payload", d."attempts", d."leaseUntil"::text AS "lease",
          e."url", e."secret"`;

type Pool = { running: Set<Promise<void>>; filling: boolean; again: boolean; refill?: NodeJS.Timeout };

// Slots freed within this window are refilled by one claim: an endpoint failing fast costs a claim per few
// attempts, not one per attempt.
const REFILL_DELAY_MS = 100;

const pool = processSingleton("webhook-delivery-pool", (): Pool => ({
  running: new Set(),
  filling: false,
  again: false,
}));

/**
 * Fills the free slots of this instance's pool with due deliveries and returns how many it started (it does not
 * wait for them). Calls while a fill runs are coalesced into one more round.
 */
export async function webhookDeliveryPass(): Promise<number> {
  if (pool.filling) {
    pool.again = true;
    return 0;
  }
  pool.filling = true;
  let started = 0;
  try {
    do {
      pool.again = false;
      const config = getWebhookConfig();
      const free = config.concurrency - pool.running.size;
      if (free <= 0) break;
      const claimed = await sql<Claimed>(CLAIM_SQL, [
        free,
        config.maxInFlightPerEndpoint,
        config.leaseMs,
        config.failingPauseMaxMs,
      ]);
      for (const delivery of claimed) launch(delivery, config);
      started += claimed.length;
    } while (pool.again);
  } finally {
    pool.filling = false;
  }
  return started;
}

function launch(delivery: Claimed, config: WebhookConfig): void {
  const run: Promise<void> = attempt(delivery, config)
    .catch((error) => logger(WEBHOOK_DELIVERY_LOOP).error({ err: error }, "delivery failed"))
    .finally(() => {
      pool.running.delete(run);
      refillSoon();
    });
  pool.running.add(run);
}

/** A slot is free: take the next due delivery shortly rather than at the loop's next tick. */
function refillSoon(): void {
  if (pool.refill) return;
  pool.refill = setTimeout(() => {
    pool.refill = undefined;
    webhookDeliveryPass().catch((error) => logger(WEBHOOK_DELIVERY_LOOP).error({ err: error }, "delivery failed"));
  }, REFILL_DELAY_MS);
  pool.refill.unref?.();
}

async function attempt(delivery: Claimed, config: WebhookConfig): Promise<void> {
  const body = JSON.stringify(eventBody(delivery.payload));
  const timeoutMs = delivery.attempts <= 1 ? config.firstAttemptTimeoutMs : config.timeoutMs;
  const startedAt = new Date();
  const started = performance.now();
  const result = await postSigned(delivery.url, delivery.secret, delivery.eventId, body, config, timeoutMs);
  await recordOutcome(delivery, result, config, { startedAt, durationMs: performance.now() - started });
}

// "Retry now" from the dashboard: this one delivery, claimed exactly as the loop claims (a lease, one more
// attempt), unless an attempt is already in flight or its endpoint is disabled.
const CLAIM_ONE_SQL = `
UPDATE "WebhookDelivery" d
   SET "leaseUntil" = now() + $2::int * interval '1 millisecond', "attempts" = d."attempts" + 1,
       "lastAttemptAt" = now(), "nextAttemptAt" = LEAST(d."nextAttemptAt", now())
  FROM "WebhookEndpoint" e
 WHERE d."id" = $1 AND e."id" = d."endpointId" AND e."status" = 'enabled' AND d."status" = 'pending'
   AND (d."leaseUntil" IS NULL OR d."leaseUntil" < now())
RETURNING d."id", d."endpointId", d."eventId", d."payload", d."attempts", d."leaseUntil"::text AS "lease",
          e."url", e."secret"`;

/**
 * Makes one attempt at a pending delivery now, in this process, and waits for its outcome. False when it could
 * not be claimed (an attempt is in flight, it is no longer pending, or its endpoint is disabled).
 */
export async function attemptDeliveryNow(deliveryId: string): Promise<boolean> {
  const config = getWebhookConfig();
  const [claimed] = await sql<Claimed>(CLAIM_ONE_SQL, [deliveryId, config.leaseMs]);
  if (!claimed) return false;
  await attempt(claimed, config);
  return true;
}

/** Runs the pool until nothing is due and nothing is in flight (tests). Returns how many attempts it started. */
export async function drainWebhookDeliveries(): Promise<number> {
  let total = 0;
  for (;;) {
    const started = await webhookDeliveryPass();
    total += started;
    if (pool.running.size) await Promise.allSettled([...pool.running]);
    else if (started === 0 && !pool.filling) return total;
    while (pool.filling || pool.refill) await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Forgets deliveries that finished more than `days` ago (the log keeps a month); the hourly cleanup calls it. */
export async function pruneWebhookDeliveries(days = 30): Promise<number> {
  const before = new Date(Date.now() - days * 24 * 3600_000);
  const { count } = await db.webhookDelivery.deleteMany({
    where: { status: { in: ["succeeded", "failed"] }, completedAt: { lt: before } },
  });
  return count;
}
