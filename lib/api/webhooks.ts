import { z } from "zod";

import {
  createEndpoint,
  deleteEndpoint,
  getDeliveryByEventId,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  replayDeliveriesSince,
  maskSecret,
  rotateSecret,
  updateEndpoint,
  WebhookInputError,
  WebhookNotFoundError,
  type DeliveryView,
  type EndpointView,
} from "@/lib/webhooks";
import { eventBody, WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";
import { createEndpointInput, replaySinceInput, updateEndpointInput, webhookId } from "@/lib/webhooks/schema";
import type { PublicAnswer } from "@/lib/http/public-api";

import { apiErrors } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse-input";
import type { ApiCaller } from "@/lib/keys/api-keys";

/**
 * Customer webhook endpoints over the public API (full-access keys), wire-compatible with Resend's webhooks API
 * so `resend.webhooks.create/get/list/update/remove/rotateSigningSecret` work against MailKit:
 *   POST   /api/webhooks                                register { endpoint, events } → { id, signing_secret }
 *   GET    /api/webhooks                                list
 *   GET    /api/webhooks/{id}                           one (signing_secret masked: it is shown once)
 *   PATCH  /api/webhooks/{id}                           { endpoint?, events?, status? }
 *   DELETE /api/webhooks/{id}
 *   POST   /api/webhooks/{id}/signing-secret/rotate     a new secret → { signing_secret }
 *   GET    /api/webhooks/{id}/events                    the delivery log, newest first (?limit=1…100)
 *   GET    /api/webhooks/{id}/events/{eventId}          one event with its payload
 *   POST   /api/webhooks/{id}/events/{eventId}/replay   deliver it again (same webhook-id and payload)
 *   POST   /api/webhooks/{id}/replay                    { since } → every finished event since then, again (MailKit's own)
 * (/api/webhooks/dodo and /api/webhooks/resend are MailKit's own incoming provider webhooks; endpoint ids are
 * cuids, so they never collide.)
 */

// ---- answers (their zod schemas are the OpenAPI document's, lib/api/openapi.ts) --------------------------------

const createdAt = z.iso.datetime();
export const webhookSchema = z.object({
  object: z.literal("webhook"),
  id: z.string(),
  endpoint: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  status: z.enum(["enabled", "disabled"]),
  description: z.string().nullable(),
  disabled_reason: z.string().nullable().meta({ description: "Why MailKit disabled it (it kept failing)" }),
  created_at: createdAt,
  signing_secret: z.string().optional().meta({ description: "Masked (retrieve only): it is shown once" }),
});
export const webhookListSchema = z.object({
  object: z.literal("list"),
  has_more: z.boolean(),
  data: z.array(webhookSchema),
});
export const webhookRefSchema = z.object({ object: z.literal("webhook"), id: z.string() });
export const webhookSecretSchema = webhookRefSchema.extend({
  signing_secret: z.string().meta({ description: "Standard Webhooks secret (whsec_…)" }),
});
export const webhookDeletedSchema = webhookRefSchema.extend({ deleted: z.literal(true) });
export const webhookEventLogSchema = z.object({
  id: z.string().meta({ description: "The webhook-id header of its deliveries" }),
  type: z.string().meta({ description: `One of ${WEBHOOK_EVENT_TYPES.join(", ")}` }),
  created_at: createdAt,
  status: z.enum(["success", "pending", "attempting", "failed"]),
});
export const webhookEventListSchema = z.object({
  object: z.literal("list"),
  has_more: z.boolean(),
  data: z.array(webhookEventLogSchema),
});
export const webhookEventSchema = webhookEventLogSchema.extend({
  object: z.literal("webhook_event"),
  next_attempt_at: createdAt.nullable(),
  attempts: z.number().int(),
  last_response_status: z.number().int().nullable(),
  last_error: z.string().nullable(),
  payload: z.unknown().meta({ description: "The body that is POSTed: { type, created_at, data }" }),
});
export const webhookEventRefSchema = z.object({ object: z.literal("webhook_event"), id: z.string() });
export const webhookReplaySchema = z.object({
  object: z.literal("webhook_replay"),
  webhook_id: z.string(),
  since: createdAt,
  replayed: z.number().int().meta({ description: "How many events were queued for delivery again" }),
});
type Of<S extends z.ZodType> = z.infer<S>;

export async function createWebhook(caller: ApiCaller, body: unknown): Promise<PublicAnswer> {
  const input = parseInput(createEndpointInput, body);
  const { endpoint, secret } = await run(() => createEndpoint(caller.userId, input));
  return {
    status: 201,
    body: { object: "webhook", id: endpoint.id, signing_secret: secret } satisfies Of<typeof webhookSecretSchema>,
  };
}

export async function listWebhooks(caller: ApiCaller): Promise<PublicAnswer> {
  const endpoints = await listEndpoints(caller.userId);
  return {
    body: { object: "list", has_more: false, data: endpoints.map(toApi) } satisfies Of<typeof webhookListSchema>,
  };
}

export async function getWebhook(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  const endpoint = await run(() => getEndpoint(caller.userId, checkId(id)));
  return {
    body: { ...toApi(endpoint), signing_secret: maskSecret(endpoint.secret) } satisfies Of<typeof webhookSchema>,
  };
}

export async function updateWebhook(caller: ApiCaller, id: string, body: unknown): Promise<PublicAnswer> {
  const input = parseInput(updateEndpointInput, body);
  const endpoint = await run(() => updateEndpoint(caller.userId, checkId(id), input));
  return { body: { object: "webhook", id: endpoint.id } satisfies Of<typeof webhookRefSchema> };
}

export async function deleteWebhook(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  await run(() => deleteEndpoint(caller.userId, checkId(id)));
  return { body: { object: "webhook", id, deleted: true } satisfies Of<typeof webhookDeletedSchema> };
}

export async function rotateWebhookSecret(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  const secret = await run(() => rotateSecret(caller.userId, checkId(id)));
  return { body: { object: "webhook", id, signing_secret: secret } satisfies Of<typeof webhookSecretSchema> };
}

export async function listWebhookEvents(
  caller: ApiCaller,
  id: string,
  query: Record<string, string>,
): Promise<PublicAnswer> {
  const raw = query.limit;
  const limit = raw === undefined ? 20 : Number(raw);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw apiErrors.validation({ name: "validation_error", message: "The `limit` must be between 1 and 100." });
  const rows = await run(() => listDeliveries(caller.userId, checkId(id), limit + 1));
  return {
    body: {
      object: "list",
      has_more: rows.length > limit,
      data: rows.slice(0, limit).map((d) => ({
        id: d.eventId,
        type: d.eventType,
        created_at: d.createdAt.toISOString(),
        status: eventStatus(d),
      })),
    } satisfies Of<typeof webhookEventListSchema>,
  };
}

export async function getWebhookEvent(caller: ApiCaller, id: string, eventId: string): Promise<PublicAnswer> {
  const d = await run(() => getDeliveryByEventId(caller.userId, checkId(id), checkEventId(eventId)));
  return {
    body: {
      object: "webhook_event",
      id: d.eventId,
      type: d.eventType,
      created_at: d.createdAt.toISOString(),
      status: eventStatus(d),
      next_attempt_at: d.status === "pending" ? d.nextAttemptAt.toISOString() : null,
      attempts: d.attempts,
      last_response_status: d.lastResponseStatus,
      last_error: d.lastError,
      payload: eventBody(d.payload),
    } satisfies Of<typeof webhookEventSchema>,
  };
}

export async function replayWebhookEvent(caller: ApiCaller, id: string, eventId: string): Promise<PublicAnswer> {
  const d = await run(() => getDeliveryByEventId(caller.userId, checkId(id), checkEventId(eventId)));
  await run(() => replayDelivery(caller.userId, d.id));
  return { body: { object: "webhook_event", id: d.eventId } satisfies Of<typeof webhookEventRefSchema> };
}

export async function replayWebhookEventsSince(caller: ApiCaller, id: string, body: unknown): Promise<PublicAnswer> {
  const { since } = parseInput(replaySinceInput, body);
  const replayed = await run(() => replayDeliveriesSince(caller.userId, checkId(id), since));
  return {
    body: {
      object: "webhook_replay",
      webhook_id: id,
      since: since.toISOString(),
      replayed,
    } satisfies Of<typeof webhookReplaySchema>,
  };
}

/** Resend's event-log states: success | pending (not tried yet) | attempting (retrying) | failed. */
function eventStatus(d: DeliveryView): "success" | "pending" | "attempting" | "failed" {
  if (d.status === "succeeded") return "success";
  if (d.status === "failed") return "failed";
  return d.attempts > 0 ? "attempting" : "pending";
}

function checkEventId(eventId: string): string {
  if (!/^msg_[A-Za-z0-9]{1,64}$/.test(eventId)) throw apiErrors.notFound("Webhook event not found");
  return eventId;
}

function toApi(endpoint: EndpointView): Of<typeof webhookSchema> {
  return {
    object: "webhook",
    id: endpoint.id,
    endpoint: endpoint.url,
    events: endpoint.eventTypes,
    status: endpoint.status,
    description: endpoint.description,
    disabled_reason: endpoint.disabledReason,
    created_at: endpoint.createdAt.toISOString(),
  };
}

const notFound = () => apiErrors.notFound("Webhook not found");

function checkId(id: string): string {
  if (!webhookId.safeParse(id).success) throw notFound();
  return id;
}

async function run<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof WebhookNotFoundError) throw apiErrors.notFound(error.message);
    if (error instanceof WebhookInputError)
      throw apiErrors.validation({ name: "validation_error", message: error.message });
    throw error;
  }
}
