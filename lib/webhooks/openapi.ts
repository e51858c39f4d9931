import { WEBHOOK_EVENT_TYPES } from "./events";

/**
 * The webhook endpoints' part of the OpenAPI document (lib/api/openapi.ts spreads these in). Wire-compatible
 * with Resend's webhooks API, so `resend.webhooks.*` works against MailKit.
 */

type ErrorFn = (description: string, example: Record<string, unknown>) => unknown;

export function webhookOpenApiPaths(error: ErrorFn, common: Record<string, unknown>) {
  const id = { name: "id", in: "path", required: true, schema: { type: "string" } };
  const eventId = { name: "eventId", in: "path", required: true, schema: { type: "string" }, description: "msg_…" };
  const json = (ref: string) => ({ "application/json": { schema: { $ref: `#/components/schemas/${ref}` } } });
  const notFound = error("No such webhook for this account", {
    statusCode: 404,
    name: "not_found",
    message: "Webhook not found",
  });
  const invalid = error("Validation failed: bad event type, or a URL that is not public https (SSRF guard)", {
    statusCode: 422,
    name: "validation_error",
    message:
      "The endpoint must be on a public host (private, link-local, multicast and reserved addresses are refused).",
  });
  const tag = ["Webhooks"];
  return {
    "/webhooks": {
      post: {
        tags: tag,
        summary: "Register a webhook endpoint",
        operationId: "createWebhook",
        description:
          "Needs a full-access key. The `signing_secret` (Standard Webhooks, `whsec_…`) is returned here and on rotation only. The URL must be `https://` on a public host; its DNS answers are checked now and at every delivery.",
        requestBody: { required: true, content: json("CreateWebhook") },
        responses: {
          "201": { description: "Registered", content: json("WebhookSecret") },
          "422": invalid,
          ...common,
        },
      },
      get: {
        tags: tag,
        summary: "List webhook endpoints",
        operationId: "listWebhooks",
        responses: {
          "200": {
            description: "Every endpoint of the account",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    object: { const: "list" },
                    has_more: { type: "boolean" },
                    data: { type: "array", items: { $ref: "#/components/schemas/Webhook" } },
                  },
                },
              },
            },
          },
          ...common,
        },
      },
    },
    "/webhooks/{id}": {
      get: {
        tags: tag,
        summary: "Retrieve a webhook endpoint",
        operationId: "getWebhook",
        description: "`signing_secret` is masked (whsec_abcd…wxyz): it is shown once; rotate it to get a new one.",
        parameters: [id],
        responses: { "200": { description: "The endpoint", content: json("Webhook") }, "404": notFound, ...common },
      },
      patch: {
        tags: tag,
        summary: "Update a webhook endpoint",
        operationId: "updateWebhook",
        description: "Change the URL (checked again), the events, or `status` (enabling clears the failure record).",
        parameters: [id],
        requestBody: { required: true, content: json("UpdateWebhook") },
        responses: {
          "200": { description: "Updated", content: json("WebhookRef") },
          "404": notFound,
          "422": invalid,
          ...common,
        },
      },
      delete: {
        tags: tag,
        summary: "Remove a webhook endpoint",
        operationId: "removeWebhook",
        parameters: [id],
        responses: {
          "200": {
            description: "Removed",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { object: { const: "webhook" }, id: { type: "string" }, deleted: { const: true } },
                },
              },
            },
          },
          "404": notFound,
          ...common,
        },
      },
    },
    "/webhooks/{id}/signing-secret/rotate": {
      post: {
        tags: tag,
        summary: "Rotate the signing secret",
        operationId: "rotateWebhookSigningSecret",
        description: "Deliveries from now on are signed with the new secret.",
        parameters: [id],
        responses: {
          "200": { description: "The new secret", content: json("WebhookSecret") },
          "404": notFound,
          ...common,
        },
      },
    },
    "/webhooks/{id}/events": {
      get: {
        tags: tag,
        summary: "List an endpoint's events (the delivery log)",
        operationId: "listWebhookEvents",
        parameters: [id, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
        responses: {
          "200": {
            description: "Newest first",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: {
                    object: { const: "list" },
                    has_more: { type: "boolean" },
                    data: { type: "array", items: { $ref: "#/components/schemas/WebhookEventLog" } },
                  },
                },
              },
            },
          },
          "404": notFound,
          ...common,
        },
      },
    },
    "/webhooks/{id}/events/{eventId}": {
      get: {
        tags: tag,
        summary: "Retrieve an event with its payload",
        operationId: "getWebhookEvent",
        parameters: [id, eventId],
        responses: { "200": { description: "The event", content: json("WebhookEvent") }, "404": notFound, ...common },
      },
    },
    "/webhooks/{id}/events/{eventId}/replay": {
      post: {
        tags: tag,
        summary: "Replay an event",
        operationId: "replayWebhookEvent",
        description: "Delivers it again: the same `webhook-id` and payload, signed anew, with a fresh retry schedule.",
        parameters: [id, eventId],
        responses: {
          "200": { description: "Queued for delivery", content: json("WebhookRef") },
          "404": notFound,
          ...common,
        },
      },
    },
  };
}

export function webhookOpenApiSchemas() {
  const events = { type: "array", items: { enum: [...WEBHOOK_EVENT_TYPES] }, minItems: 1 };
  return {
    CreateWebhook: {
      type: "object",
      required: ["endpoint", "events"],
      properties: {
        endpoint: { type: "string", format: "uri", description: "https:// on a public host" },
        events,
        description: { type: "string", maxLength: 200 },
      },
    },
    UpdateWebhook: {
      type: "object",
      properties: {
        endpoint: { type: "string", format: "uri" },
        events,
        status: { enum: ["enabled", "disabled"] },
        description: { type: ["string", "null"], maxLength: 200 },
      },
    },
    Webhook: {
      type: "object",
      properties: {
        object: { const: "webhook" },
        id: { type: "string" },
        endpoint: { type: "string" },
        events: { type: "array", items: { enum: [...WEBHOOK_EVENT_TYPES] } },
        status: { enum: ["enabled", "disabled"] },
        description: { type: ["string", "null"] },
        disabled_reason: { type: ["string", "null"], description: "Why MailKit disabled it (it kept failing)" },
        created_at: { type: "string", format: "date-time" },
        signing_secret: { type: "string", description: "Masked (retrieve only)" },
      },
    },
    WebhookEventLog: {
      type: "object",
      properties: {
        id: { type: "string", description: "The webhook-id header of its deliveries" },
        type: { enum: [...WEBHOOK_EVENT_TYPES] },
        created_at: { type: "string", format: "date-time" },
        status: { enum: ["success", "pending", "attempting", "failed"] },
      },
    },
    WebhookEvent: {
      allOf: [
        { $ref: "#/components/schemas/WebhookEventLog" },
        {
          type: "object",
          properties: {
            object: { const: "webhook_event" },
            next_attempt_at: { type: ["string", "null"], format: "date-time" },
            attempts: { type: "integer" },
            last_response_status: { type: ["integer", "null"] },
            last_error: { type: ["string", "null"] },
            payload: { type: "object", description: "The body that is POSTed: { type, created_at, data }" },
          },
        },
      ],
    },
    WebhookRef: { type: "object", properties: { object: { const: "webhook" }, id: { type: "string" } } },
    WebhookSecret: {
      type: "object",
      properties: { object: { const: "webhook" }, id: { type: "string" }, signing_secret: { type: "string" } },
    },
  };
}
