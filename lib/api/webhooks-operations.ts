import { z } from "zod";

import { apiErrors } from "@/lib/errors";
import { BODY_LIMITS } from "@/lib/http/body";
import { createEndpointInput, replaySinceInput, updateEndpointInput } from "@/lib/webhooks/schema";

import { operation } from "./operation";
import {
  webhookDeletedSchema,
  webhookEventListSchema,
  webhookEventRefSchema,
  webhookEventSchema,
  webhookListSchema,
  webhookRefSchema,
  webhookReplaySchema,
  webhookSchema,
  webhookSecretSchema,
} from "./webhooks";

const NOT_FOUND = "Webhook not found";
const notFound = () => [apiErrors.notFound(NOT_FOUND)];
const privateHost = () =>
  apiErrors.validation({
    name: "validation_error",
    message:
      "The endpoint must be on a public host (private, link-local, multicast and reserved addresses are refused).",
  });

const common = { access: "full", tag: "Webhooks" } as const;
const oneEndpoint = { ...common, params: z.object({ id: z.string() }) };
const oneEvent = {
  ...common,
  params: z.object({ id: z.string(), eventId: z.string() }),
  pathParameters: { eventId: "msg_…" },
};
const jsonForm = { body: "json", maxBodyBytes: BODY_LIMITS.form } as const;

/** Customer webhook endpoints, wire-compatible with Resend's `resend.webhooks.*` (handlers in ./webhooks.ts). */
export const webhookOperations = {
  create: operation({
    ...common,
    ...jsonForm,
    id: "createWebhook",
    method: "POST",
    path: "/webhooks",
    summary: "Register a webhook endpoint",
    description:
      "Needs a full-access key. The `signing_secret` (Standard Webhooks, `whsec_…`) is returned here and on rotation only. The URL must be `https://` on a public host; its DNS answers are checked now and at every delivery.",
    requestBody: createEndpointInput,
    response: { status: 201, description: "Registered", schema: webhookSecretSchema },
    errors: () => [privateHost()],
  }),
  list: operation({
    ...common,
    id: "listWebhooks",
    method: "GET",
    path: "/webhooks",
    summary: "List webhook endpoints",
    response: { description: "Every endpoint of the account", schema: webhookListSchema },
  }),
  get: operation({
    ...oneEndpoint,
    id: "getWebhook",
    method: "GET",
    path: "/webhooks/{id}",
    summary: "Retrieve a webhook endpoint",
    description: "`signing_secret` is masked (whsec_abcd…wxyz): it is shown once; rotate it to get a new one.",
    response: { description: "The endpoint", schema: webhookSchema },
    errors: notFound,
  }),
  update: operation({
    ...oneEndpoint,
    ...jsonForm,
    id: "updateWebhook",
    method: "PATCH",
    path: "/webhooks/{id}",
    summary: "Update a webhook endpoint",
    description:
      "Change the URL (checked again), the events, or `status`. Disabling keeps the pending events; enabling clears the failure record and delivers them at once.",
    requestBody: updateEndpointInput,
    response: { description: "Updated", schema: webhookRefSchema },
    errors: () => [apiErrors.notFound(NOT_FOUND), privateHost()],
  }),
  remove: operation({
    ...oneEndpoint,
    id: "removeWebhook",
    method: "DELETE",
    path: "/webhooks/{id}",
    summary: "Remove a webhook endpoint",
    response: { description: "Removed", schema: webhookDeletedSchema },
    errors: notFound,
  }),
  rotateSecret: operation({
    ...oneEndpoint,
    id: "rotateWebhookSigningSecret",
    method: "POST",
    path: "/webhooks/{id}/signing-secret/rotate",
    summary: "Rotate the signing secret",
    description: "Deliveries from now on are signed with the new secret.",
    response: { description: "The new secret", schema: webhookSecretSchema },
    errors: notFound,
  }),
  listEvents: operation({
    ...oneEndpoint,
    id: "listWebhookEvents",
    method: "GET",
    path: "/webhooks/{id}/events",
    summary: "List an endpoint's events (the delivery log)",
    query: [{ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
    response: { description: "Newest first", schema: webhookEventListSchema },
    errors: notFound,
  }),
  getEvent: operation({
    ...oneEvent,
    id: "getWebhookEvent",
    method: "GET",
    path: "/webhooks/{id}/events/{eventId}",
    summary: "Retrieve an event with its payload",
    response: { description: "The event", schema: webhookEventSchema },
    errors: notFound,
  }),
  replayEvent: operation({
    ...oneEvent,
    id: "replayWebhookEvent",
    method: "POST",
    path: "/webhooks/{id}/events/{eventId}/replay",
    summary: "Replay an event",
    description: "Delivers it again: the same `webhook-id` and payload, signed anew, with a fresh retry schedule.",
    response: { description: "Queued for delivery", schema: webhookEventRefSchema },
    errors: notFound,
  }),
  replaySince: operation({
    ...oneEndpoint,
    ...jsonForm,
    id: "replayWebhookEventsSince",
    method: "POST",
    path: "/webhooks/{id}/replay",
    summary: "Replay every event since a moment",
    description:
      "MailKit's own (not in Resend's API). Delivers again every finished event (succeeded or failed) the endpoint was sent at or after `since` — e.g. after an outage — each with its own `webhook-id` and payload, signed anew, on a fresh retry schedule; events still pending are on their way already. The endpoint must be enabled. Needs a full-access key.",
    requestBody: replaySinceInput,
    response: { description: "Queued for delivery", schema: webhookReplaySchema },
    errors: () => [
      apiErrors.notFound(NOT_FOUND),
      apiErrors.validation({ name: "validation_error", message: "Enable the endpoint before replaying its events." }),
    ],
  }),
};
