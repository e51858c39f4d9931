import { db } from "@/lib/db";

import { attemptDeliveryNow } from "./delivery";
import { getEndpoint, WebhookInputError, WebhookNotFoundError } from "./endpoints";

/**
 * Replay: a logged event delivered again — the same event id (`webhook-id`) and payload, freshly signed, on a new
 * retry schedule — one at a time, or everything an endpoint was sent since a moment (after an outage). The
 * endpoint must be enabled. Replayed events queue behind the endpoint's own in-flight cap, so a large replay
 * never crowds out other endpoints.
 */

const LOG_DAYS = 31;
const REPLAYED = { status: "pending", attempts: 0, leaseUntil: null, completedAt: null } as const;

export async function replayDelivery(userId: string, deliveryId: string): Promise<void> {
  const delivery = await db.webhookDelivery.findFirst({
    where: { id: deliveryId, endpoint: { userId } },
    select: { id: true, endpoint: { select: { status: true } } },
  });
  if (!delivery) throw new WebhookNotFoundError("Delivery not found");
  if (delivery.endpoint.status !== "enabled")
    throw new WebhookInputError("Enable the endpoint before replaying its events.");
  await db.webhookDelivery.update({ where: { id: delivery.id }, data: { ...REPLAYED, nextAttemptAt: new Date() } });
}

/**
 * "Retry now": one attempt at the delivery right away, awaited, instead of waiting for its next retry time. A
 * finished delivery is first put back on a fresh schedule, as a replay does. Returns whether an attempt was made
 * (false: one was already in flight).
 */
export async function retryDeliveryNow(userId: string, deliveryId: string): Promise<boolean> {
  const delivery = await db.webhookDelivery.findFirst({
    where: { id: deliveryId, endpoint: { userId } },
    select: { id: true, status: true, endpoint: { select: { status: true } } },
  });
  if (!delivery) throw new WebhookNotFoundError("Delivery not found");
  if (delivery.endpoint.status !== "enabled")
    throw new WebhookInputError("Enable the endpoint before retrying its events.");
  if (delivery.status !== "pending")
    await db.webhookDelivery.updateMany({
      where: { id: delivery.id, status: delivery.status },
      data: { ...REPLAYED, nextAttemptAt: new Date() },
    });
  return attemptDeliveryNow(delivery.id);
}

/**
 * Delivers again every event of the endpoint created at or after `since` that is finished (succeeded or failed);
 * what is still pending is on its way already. Returns how many were queued.
 */
export async function replayDeliveriesSince(userId: string, endpointId: string, since: Date): Promise<number> {
  const endpoint = await getEndpoint(userId, endpointId);
  if (endpoint.status !== "enabled") throw new WebhookInputError("Enable the endpoint before replaying its events.");
  if (since.getTime() > Date.now()) throw new WebhookInputError("`since` must not be in the future.");
  // The log keeps a month (pruneWebhookDeliveries): an earlier `since` means the whole log, and never reaches
  // PostgreSQL as a date it cannot store (year 0).
  const from = new Date(Math.max(since.getTime(), Date.now() - LOG_DAYS * 24 * 3600_000));
  const { count } = await db.webhookDelivery.updateMany({
    where: { endpointId, createdAt: { gte: from }, status: { in: ["succeeded", "failed"] } },
    data: { ...REPLAYED, nextAttemptAt: new Date() },
  });
  return count;
}
