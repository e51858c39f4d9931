import type { z } from "zod";

import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "@/lib/http/body";
import {
  createEndpoint,
  deleteEndpoint,
  getDeliveryByEventId,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  replayDelivery,
  maskSecret,
  rotateSecret,
  updateEndpoint,
  WebhookInputError,
  WebhookNotFoundError,
  type DeliveryView,
  type EndpointView,
} from "@/lib/webhooks";
import { eventBody } from "@/lib/webhooks/events";
import { createEndpointInput, updateEndpointInput, webhookId } from "@/lib/webhooks/schema";

import { withApiKey } from "./auth";
import { ApiError, apiErrors } from "./errors";
import { jsonResponse } from "./respond";

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
 * (/api/webhooks/dodo and /api/webhooks/resend are MailKit's own incoming provider webhooks; endpoint ids are
 * cuids, so they never collide.)
 */

export function handleCreateWebhook(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const input = parse(createEndpointInput, await readBody(request));
    const { endpoint, secret } = await run(() => createEndpoint(caller.userId, input));
    return jsonResponse({ status: 201, body: { object: "webhook", id: endpoint.id, signing_secret: secret } });
  });
}

export function handleListWebhooks(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const endpoints = await listEndpoints(caller.userId);
    return jsonResponse({ status: 200, body: { object: "list", has_more: false, data: endpoints.map(toApi) } });
  });
}

export function handleGetWebhook(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const endpoint = await run(() => getEndpoint(caller.userId, checkId(id)));
    return jsonResponse({
      status: 200,
      body: { ...toApi(endpoint), signing_secret: maskSecret(endpoint.secret) },
    });
  });
}

export function handleUpdateWebhook(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const input = parse(updateEndpointInput, await readBody(request));
    const endpoint = await run(() => updateEndpoint(caller.userId, checkId(id), input));
    return jsonResponse({ status: 200, body: { object: "webhook", id: endpoint.id } });
  });
}

export function handleDeleteWebhook(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    await run(() => deleteEndpoint(caller.userId, checkId(id)));
    return jsonResponse({ status: 200, body: { object: "webhook", id, deleted: true } });
  });
}

export function handleRotateWebhookSecret(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const secret = await run(() => rotateSecret(caller.userId, checkId(id)));
    return jsonResponse({ status: 200, body: { object: "webhook", id, signing_secret: secret } });
  });
}

export function handleListWebhookEvents(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const raw = new URL(request.url).searchParams.get("limit");
    const limit = raw === null ? 20 : Number(raw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw apiErrors.validation({ name: "validation_error", message: "The `limit` must be between 1 and 100." });
    const rows = await run(() => listDeliveries(caller.userId, checkId(id), limit + 1));
    return jsonResponse({
      status: 200,
      body: {
        object: "list",
        has_more: rows.length > limit,
        data: rows.slice(0, limit).map((d) => ({
          id: d.eventId,
          type: d.eventType,
          created_at: d.createdAt.toISOString(),
          status: eventStatus(d),
        })),
      },
    });
  });
}

export function handleGetWebhookEvent(request: Request, id: string, eventId: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const d = await run(() => getDeliveryByEventId(caller.userId, checkId(id), checkEventId(eventId)));
    return jsonResponse({
      status: 200,
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
      },
    });
  });
}

export function handleReplayWebhookEvent(request: Request, id: string, eventId: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const d = await run(() => getDeliveryByEventId(caller.userId, checkId(id), checkEventId(eventId)));
    await run(() => replayDelivery(caller.userId, d.id));
    return jsonResponse({ status: 200, body: { object: "webhook_event", id: d.eventId } });
  });
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

function toApi(endpoint: EndpointView) {
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

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success)
    throw apiErrors.validation({ name: "validation_error", message: result.error.issues[0]!.message });
  return result.data;
}

async function readBody(request: Request): Promise<unknown> {
  try {
    return await readJsonBody(request, { limitBytes: BODY_LIMITS.form });
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new ApiError(413, "payload_too_large", "The request body is larger than 16 KB.");
    if (error instanceof InvalidJsonError)
      throw error.reason === "syntax" ? apiErrors.invalidJson() : new ApiError(400, "validation_error", error.message);
    throw error;
  }
}
