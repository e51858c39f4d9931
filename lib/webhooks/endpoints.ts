import { db } from "@/lib/db";

import { UnsafeUrlError } from "@/lib/net/public-url";

import { assertSafeWebhookUrl } from "./address";
import { getWebhookConfig } from "./config";
import { disableEndpoint, enableEndpoint } from "./outcome";
import type { WebhookEventType } from "./events";
import type { CreateEndpointInput, UpdateEndpointInput } from "./schema";
import { newSigningSecret } from "./signing";

/** A customer's webhook endpoints: register, read, change, remove, rotate the secret; the delivery log; replay. */

export const MAX_ENDPOINTS_PER_CUSTOMER = 10;

export class WebhookNotFoundError extends Error {
  override name = "WebhookNotFoundError";
}

export class WebhookInputError extends Error {
  override name = "WebhookInputError";
}

export type EndpointView = {
  id: string;
  url: string;
  description: string | null;
  eventTypes: WebhookEventType[];
  status: "enabled" | "disabled";
  disabledReason: string | null;
  disabledAt: Date | null;
  failureStreak: number;
  createdAt: Date;
};

const VIEW = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  status: true,
  disabledReason: true,
  disabledAt: true,
  failureStreak: true,
  createdAt: true,
} as const;

async function safeUrl(url: string): Promise<string> {
  const config = getWebhookConfig();
  try {
    return await assertSafeWebhookUrl(url, config);
  } catch (error) {
    if (error instanceof UnsafeUrlError) throw new WebhookInputError(error.message);
    throw error;
  }
}

/** Registers an endpoint; the secret is returned here (and on rotation) only. */
export async function createEndpoint(
  userId: string,
  input: CreateEndpointInput,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const url = await safeUrl(input.endpoint);
  const secret = newSigningSecret();
  const endpoint = await db.$transaction(async (tx) => {
    // Concurrent registrations of one customer take turns on its user row, so the count below stays true until
    // this one commits (count-then-insert alone lets parallel requests pass the cap together).
    await tx.$queryRawUnsafe(`SELECT "id" FROM "User" WHERE "id" = $1 FOR NO KEY UPDATE`, userId);
    const count = await tx.webhookEndpoint.count({ where: { userId } });
    if (count >= MAX_ENDPOINTS_PER_CUSTOMER)
      throw new WebhookInputError(`You can register up to ${MAX_ENDPOINTS_PER_CUSTOMER} webhook endpoints.`);
    return tx.webhookEndpoint.create({
      data: { userId, url, description: input.description || null, eventTypes: input.events, secret },
      select: VIEW,
    });
  });
  return { endpoint: endpoint as EndpointView, secret };
}

export async function listEndpoints(userId: string): Promise<EndpointView[]> {
  const rows = await db.webhookEndpoint.findMany({ where: { userId }, orderBy: { createdAt: "desc" }, select: VIEW });
  return rows as EndpointView[];
}

export async function getEndpoint(userId: string, id: string): Promise<EndpointView & { secret: string }> {
  const row = await db.webhookEndpoint.findFirst({ where: { id, userId }, select: { ...VIEW, secret: true } });
  if (!row) throw new WebhookNotFoundError("Webhook not found");
  return row as EndpointView & { secret: string };
}

/**
 * Changes the URL (checked again), events, description or status. Disabling keeps what is pending; enabling
 * clears the failure record and makes the pending events due at once.
 */
export async function updateEndpoint(userId: string, id: string, input: UpdateEndpointInput): Promise<EndpointView> {
  const current = await getEndpoint(userId, id);
  const url = input.endpoint !== undefined ? await safeUrl(input.endpoint) : undefined;
  await db.$transaction(async (tx) => {
    // Enabling touches pending deliveries before the endpoint row: the lock order of delivery outcomes.
    if (input.status === "enabled" && current.status === "disabled") await enableEndpoint(tx, current.id);
    await tx.webhookEndpoint.update({
      where: { id: current.id },
      data: {
        url,
        eventTypes: input.events,
        description: input.description === undefined ? undefined : input.description || null,
      },
    });
    if (input.status === "disabled") await disableEndpoint(tx, current.id);
  });
  return getEndpoint(userId, id);
}

export async function deleteEndpoint(userId: string, id: string): Promise<void> {
  // Its deliveries first, then the endpoint: the lock order of delivery outcomes (outcome.ts).
  const [, { count }] = await db.$transaction([
    db.webhookDelivery.deleteMany({ where: { endpointId: id, endpoint: { userId } } }),
    db.webhookEndpoint.deleteMany({ where: { id, userId } }),
  ]);
  if (count === 0) throw new WebhookNotFoundError("Webhook not found");
}

/** A new secret; deliveries from now on are signed with it. */
export async function rotateSecret(userId: string, id: string): Promise<string> {
  const secret = newSigningSecret();
  const { count } = await db.webhookEndpoint.updateMany({ where: { id, userId }, data: { secret } });
  if (count === 0) throw new WebhookNotFoundError("Webhook not found");
  return secret;
}

export type DeliveryView = {
  id: string;
  eventType: string;
  eventId: string;
  payload: unknown;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  lastAttemptAt: Date | null;
  lastResponseStatus: number | null;
  lastResponseBody: string | null;
  lastError: string | null;
  createdAt: Date;
};

/** The newest deliveries of an endpoint (the log). */
export async function listDeliveries(userId: string, endpointId: string, take = 50): Promise<DeliveryView[]> {
  await getEndpoint(userId, endpointId);
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    select: {
      id: true,
      eventType: true,
      eventId: true,
      payload: true,
      status: true,
      attempts: true,
      nextAttemptAt: true,
      lastAttemptAt: true,
      lastResponseStatus: true,
      lastResponseBody: true,
      lastError: true,
      createdAt: true,
    },
  });
  return rows as DeliveryView[];
}

/** Changes whenever the webhooks page would show something new (the dashboard's live version, lib/live). */
export async function webhookLiveVersion(userId: string): Promise<string> {
  const [endpoints, deliveries] = await Promise.all([
    db.webhookEndpoint.aggregate({ where: { userId }, _count: true, _max: { updatedAt: true } }),
    db.webhookDelivery.aggregate({
      where: { endpoint: { userId } },
      _count: true,
      _max: { lastAttemptAt: true, completedAt: true },
    }),
  ]);
  return [
    endpoints._count,
    endpoints._max.updatedAt?.getTime(),
    deliveries._count,
    deliveries._max.lastAttemptAt?.getTime(),
    deliveries._max.completedAt?.getTime(),
  ].join(".");
}

/** One logged event of an endpoint by its event id (`webhook-id`, msg_…). */
export async function getDeliveryByEventId(userId: string, endpointId: string, eventId: string): Promise<DeliveryView> {
  await getEndpoint(userId, endpointId);
  const row = await db.webhookDelivery.findUnique({
    where: { endpointId_eventId: { endpointId, eventId } },
  });
  if (!row) throw new WebhookNotFoundError("Webhook event not found");
  return row as DeliveryView;
}
