import type { z } from "zod";

import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "@/lib/http/body";
import {
  createEndpoint,
  deleteEndpoint,
  getEndpoint,
  listEndpoints,
  maskSecret,
  rotateSecret,
  updateEndpoint,
  WebhookInputError,
  WebhookNotFoundError,
  type EndpointView,
} from "@/lib/webhooks";
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
    if (error instanceof WebhookNotFoundError) throw notFound();
    if (error instanceof WebhookInputError) throw apiErrors.validation({ name: "validation_error", message: error.message });
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
