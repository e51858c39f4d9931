import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { checkPublicUrl } from "@/lib/net/public-url";
import { enqueue } from "@/lib/outbox";

import { resolvePublicAddresses } from "./address";
import { getWebhookConfig, type WebhookConfig } from "./config";
import { eventBody } from "./events";
import { signedHeaders } from "./signing";

/**
 * The delivery loop: every instance claims due deliveries (FOR UPDATE SKIP LOCKED + a lease, so instances
 * share the work and a crashed instance's claims expire), POSTs each signed with Standard Webhooks headers to
 * the endpoint — re-checking the URL and pinning the connection to the addresses it vetted (DNS rebinding),
 * never following redirects, within a timeout — and records the outcome: 2xx succeeds; anything else is
 * retried on the backoff schedule (at least once delivery: receivers dedupe on `webhook-id`). An endpoint that
 * keeps failing is disabled and its owner emailed (an outbox job).
 */

export const WEBHOOK_DELIVERY_LOOP = "webhook-deliveries";
export const WEBHOOK_DISABLED_EMAIL_JOB = "email.webhook_disabled";

type Claimed = {
  id: string;
  endpointId: string;
  eventId: string;
  payload: Prisma.JsonValue;
  attempts: number;
  leaseUntil: Date;
};

export type AttemptResult =
  | { ok: true; status: number; excerpt: string }
  | { ok: false; status: number | null; excerpt: string | null; error: string };

/** One pass: claims up to batchSize due deliveries and attempts them. Returns how many were attempted. */
export async function webhookDeliveryPass(): Promise<number> {
  const config = getWebhookConfig();
  const claimed = await db.$queryRawUnsafe<Claimed[]>(
    `UPDATE "WebhookDelivery" d
       SET "leaseUntil" = now() + ($2::int * interval '1 millisecond'), "attempts" = d."attempts" + 1,
           "lastAttemptAt" = now()
     WHERE d."id" IN (
       SELECT w."id" FROM "WebhookDelivery" w JOIN "WebhookEndpoint" e ON e."id" = w."endpointId"
       WHERE w."status" = 'pending' AND w."nextAttemptAt" <= now()
         AND (w."leaseUntil" IS NULL OR w."leaseUntil" < now()) AND e."status" = 'enabled'
       ORDER BY w."nextAttemptAt" LIMIT $1
       FOR UPDATE OF w SKIP LOCKED)
     RETURNING d."id", d."endpointId", d."eventId", d."payload", d."attempts", d."leaseUntil"`,
    config.batchSize,
    config.leaseMs,
  );
  if (!claimed.length) return 0;
  const endpoints = await db.webhookEndpoint.findMany({
    where: { id: { in: [...new Set(claimed.map((c) => c.endpointId))] } },
    select: { id: true, url: true, secret: true },
  });
  const byId = new Map(endpoints.map((e) => [e.id, e]));
  await Promise.all(
    claimed.map(async (delivery) => {
      const endpoint = byId.get(delivery.endpointId);
      if (!endpoint) return;
      const body = JSON.stringify(eventBody(delivery.payload));
      const result = await postSigned(endpoint.url, endpoint.secret, delivery.eventId, body, config);
      await recordOutcome(delivery, result, config);
    }),
  );
  return claimed.length;
}

/** Runs passes until nothing is due (tests). */
export async function drainWebhookDeliveries(): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await webhookDeliveryPass();
    if (n === 0) return total;
    total += n;
  }
}

/** One signed POST. Never throws: refusals (SSRF), network errors and timeouts are failed attempts. */
export async function postSigned(
  url: string,
  secret: string,
  eventId: string,
  body: string,
  config: Pick<WebhookConfig, "allowLoopback" | "resolve" | "timeoutMs">,
): Promise<AttemptResult> {
  try {
    const target = checkPublicUrl(url, config);
    const addresses = await resolvePublicAddresses(target.hostname, config);
    const headers = {
      ...signedHeaders(secret, eventId, body),
      "content-type": "application/json",
      "user-agent": "MailKit-Webhooks/1.0",
    };
    const { status, excerpt } = await post(target, headers, body, addresses, config.timeoutMs);
    if (status >= 200 && status < 300) return { ok: true, status, excerpt };
    const error = status >= 300 && status < 400 ? `HTTP ${status}: redirects are not followed` : `HTTP ${status}`;
    return { ok: false, status, excerpt, error };
  } catch (error) {
    return { ok: false, status: null, excerpt: null, error: (error as Error).message.slice(0, 500) };
  }
}

const EXCERPT_BYTES = 1024;

/** POST over node:http(s) with the connection pinned to `addresses` (the vetted DNS answers): no second lookup. */
function post(
  url: URL,
  headers: Record<string, string>,
  body: string,
  addresses: { address: string; family: number }[],
  timeoutMs: number,
): Promise<{ status: number; excerpt: string }> {
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      fn();
    };
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: pinned,
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          finish(() => {
            response.destroy();
            resolve({
              status: response.statusCode ?? 0,
              excerpt: Buffer.concat(chunks).toString("utf8").slice(0, 500),
            });
          });
        response.on("data", (chunk: Buffer) => {
          if (size < EXCERPT_BYTES) chunks.push(chunk.subarray(0, EXCERPT_BYTES - size));
          size += chunk.length;
          if (size >= EXCERPT_BYTES) done();
        });
        response.on("end", done);
        response.on("error", done);
        response.on("close", done);
      },
    );
    const deadline = setTimeout(() => {
      finish(() => reject(new Error(`No response within ${timeoutMs} ms`)));
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) => finish(() => reject(error)));
    request.end(body);
  });
}

async function recordOutcome(delivery: Claimed, result: AttemptResult, config: WebhookConfig): Promise<void> {
  await db.$transaction(async (tx) => {
    const own = { id: delivery.id, status: "pending", leaseUntil: delivery.leaseUntil };
    const response = {
      lastResponseStatus: result.status,
      lastResponseBody: result.excerpt,
      leaseUntil: null,
    };
    if (result.ok) {
      const { count } = await tx.webhookDelivery.updateMany({
        where: own,
        data: { ...response, status: "succeeded", completedAt: new Date(), lastError: null },
      });
      if (count === 1)
        await tx.webhookEndpoint.updateMany({
          where: { id: delivery.endpointId, failureStreak: { gt: 0 } },
          data: { failureStreak: 0, failingSince: null },
        });
      return;
    }
    const delay = config.retryDelaysMs[delivery.attempts - 1];
    const finalAttempt = delay === undefined;
    const { count } = await tx.webhookDelivery.updateMany({
      where: own,
      data: {
        ...response,
        lastError: result.error,
        ...(finalAttempt
          ? { status: "failed", completedAt: new Date() }
          : { nextAttemptAt: new Date(Date.now() + delay) }),
      },
    });
    if (count === 1) await recordEndpointFailure(tx, delivery.endpointId, config);
  });
}

/** Counts a failed attempt against the endpoint; disables it past the limits and tells the owner. */
async function recordEndpointFailure(tx: Prisma.TransactionClient, endpointId: string, config: WebhookConfig) {
  const rows = await tx.$queryRawUnsafe<{ failureStreak: number; failingSince: Date }[]>(
    `UPDATE "WebhookEndpoint" SET "failureStreak" = "failureStreak" + 1,
       "failingSince" = COALESCE("failingSince", now()), "updatedAt" = now()
     WHERE "id" = $1 AND "status" = 'enabled' RETURNING "failureStreak", "failingSince"`,
    endpointId,
  );
  const row = rows[0];
  if (!row) return;
  const failingFor = Date.now() - new Date(row.failingSince).getTime();
  const tooMany = row.failureStreak >= config.disableAfterFailures;
  const tooLong = failingFor >= config.disableAfterMs;
  if (!tooMany && !tooLong) return;
  const reason = tooMany
    ? `Disabled after ${row.failureStreak} consecutive failed deliveries.`
    : `Disabled after failing for ${Math.round(failingFor / 3600_000)} hours.`;
  await disableEndpoint(tx, endpointId, reason, { notify: true });
}

/**
 * Disables an endpoint (by MailKit when it keeps failing, or by its owner): what is still pending for it
 * fails (it can be replayed from the log). With `notify`, the owner gets an email.
 */
export async function disableEndpoint(
  tx: Prisma.TransactionClient,
  endpointId: string,
  reason: string | null,
  options: { notify: boolean },
): Promise<boolean> {
  const disabledAt = new Date();
  const { count } = await tx.webhookEndpoint.updateMany({
    where: { id: endpointId, status: "enabled" },
    data: { status: "disabled", disabledReason: reason, disabledAt },
  });
  if (count === 0) return false;
  await tx.webhookDelivery.updateMany({
    where: { endpointId, status: "pending" },
    data: { status: "failed", completedAt: disabledAt, leaseUntil: null, lastError: "The endpoint was disabled." },
  });
  if (options.notify) {
    await enqueue(tx, {
      kind: WEBHOOK_DISABLED_EMAIL_JOB,
      key: `webhook-disabled/${endpointId}/${disabledAt.getTime()}`,
      payload: { endpointId, reason },
    });
  }
  return true;
}

/** Forgets deliveries that finished more than `days` ago (the log keeps a month); the hourly cleanup calls it. */
export async function pruneWebhookDeliveries(days = 30): Promise<number> {
  const before = new Date(Date.now() - days * 24 * 3600_000);
  const { count } = await db.webhookDelivery.deleteMany({
    where: { status: { in: ["succeeded", "failed"] }, completedAt: { lt: before } },
  });
  return count;
}
