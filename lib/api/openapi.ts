import { domainOpenApiPaths, domainOpenApiSchemas } from "@/lib/domains/openapi";
import { ACCEPTED_STATUSES, SEND_STATUSES } from "@/lib/sending/status";
import { MAX_BATCH_SIZE, MAX_RECIPIENTS_PER_FIELD } from "@/lib/validations/email";

/** The OpenAPI 3.1 description of MailKit's public API (served at /api/openapi.json). */
export function openApiDocument(apiBase: string) {
  const error = (description: string, example: Record<string, unknown>) => ({
    description,
    content: { "application/json": { schema: { $ref: "#/components/schemas/Error" }, example } },
  });
  const rateHeaders = {
    "ratelimit-limit": { schema: { type: "integer" }, description: "Requests allowed per second for this key" },
    "ratelimit-remaining": { schema: { type: "integer" }, description: "Requests left in the current window" },
    "ratelimit-reset": { schema: { type: "integer" }, description: "Seconds until the window resets" },
  };
  const creditHeaders = {
    ...rateHeaders,
    "x-mailkit-credits-charged": { schema: { type: "integer" }, description: "Credits this request took" },
    "x-mailkit-credits-remaining": { schema: { type: "integer" }, description: "Credits left to spend" },
  };
  const common = {
    "401": error("Missing, unknown or revoked key; or a sending-only key on a read endpoint", {
      statusCode: 401,
      name: "invalid_api_key",
      message: "API key is invalid or has been revoked",
    }),
    "429": {
      ...error("Rate limit exceeded", {
        statusCode: 429,
        name: "rate_limit_exceeded",
        message: "Too many requests. Please limit the number of requests per second.",
      }),
      headers: { ...rateHeaders, "retry-after": { schema: { type: "integer" }, description: "Seconds to wait" } },
    },
  };
  const sendErrors = {
    ...common,
    "400": error("Body is not JSON, or a bad Idempotency-Key", {
      statusCode: 400,
      name: "invalid_idempotency_key",
      message: "Idempotency keys, if present, must have between 1 and 256 characters.",
    }),
    "402": {
      description: "Not enough credits: nothing was sent or charged",
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/InsufficientCredits" },
          example: {
            statusCode: 402,
            name: "insufficient_credits",
            message: "No email credits remaining. Buy a top-up pack or upgrade your plan.",
            required: 3,
            available: 1,
            top_up_url: "https://mailkit.example/dashboard/billing",
          },
        },
      },
    },
    "403": error(
      "`from` is not on one of your verified domains (or the shared sender to someone else); nothing charged",
      {
        statusCode: 403,
        name: "validation_error",
        message:
          "The example.com domain is not verified. Please, add and verify your domain under Domains in the MailKit dashboard.",
      },
    ),
    "409": error("Idempotency-Key reused with a different body, or the first request is still in flight", {
      statusCode: 409,
      name: "invalid_idempotent_request",
      message: "…",
    }),
    "422": error("Validation failed (the message names the field); nothing charged", {
      statusCode: 422,
      name: "validation_error",
      message: "Invalid `to` field: use `email@example.com` or `Name <email@example.com>`",
    }),
  };
  const idempotencyKey = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "1–256 characters, remembered 24 h: the same key and body replay the original response (no second send or charge).",
    schema: { type: "string", minLength: 1, maxLength: 256 },
  };
  const addresses = {
    oneOf: [{ type: "string" }, { type: "array", items: { type: "string" }, maxItems: MAX_RECIPIENTS_PER_FIELD }],
    description: "`email@example.com` or `Name <email@example.com>`, or an array of them",
  };

  return {
    openapi: "3.1.0",
    info: {
      title: "MailKit API",
      version: "1.0.0",
      description:
        "Prepaid transactional email, wire-compatible with Resend's email endpoints: point the official `resend` SDK at this base URL with a MailKit key. Each email costs one credit per distinct recipient (to + cc + bcc, case-insensitive).",
    },
    servers: [{ url: apiBase }],
    security: [{ bearer: [] }],
    paths: {
      "/emails": {
        post: {
          summary: "Send an email",
          operationId: "sendEmail",
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/SendEmail" } } },
          },
          responses: {
            "200": {
              description:
                "Accepted for delivery: the credits are held and the email is `queued`; it is handed to the provider moments later (GET it to follow its status). Credits are released if the provider refuses it.",
              headers: creditHeaders,
              content: { "application/json": { schema: { $ref: "#/components/schemas/SendResult" } } },
            },
            ...sendErrors,
          },
        },
        get: {
          summary: "List sent emails (newest first)",
          operationId: "listEmails",
          description: "Needs a full-access key.",
          parameters: [
            { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
            { name: "after", in: "query", schema: { type: "string" }, description: "Emails older than this id" },
            { name: "before", in: "query", schema: { type: "string" }, description: "Emails newer than this id" },
          ],
          responses: {
            "200": {
              description: "A page of emails",
              headers: rateHeaders,
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      object: { const: "list" },
                      has_more: { type: "boolean" },
                      data: { type: "array", items: { $ref: "#/components/schemas/Email" } },
                    },
                  },
                },
              },
            },
            ...common,
          },
        },
      },
      "/emails/batch": {
        post: {
          summary: `Send up to ${MAX_BATCH_SIZE} emails`,
          operationId: "sendBatch",
          description:
            "All-or-nothing: the whole cost is held at once, and every email is valid or none is sent. Attachments are not supported here.",
          parameters: [idempotencyKey],
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: {
                  type: "array",
                  minItems: 1,
                  maxItems: MAX_BATCH_SIZE,
                  items: { $ref: "#/components/schemas/SendEmail" },
                },
              },
            },
          },
          responses: {
            "200": {
              description: "Every email accepted for delivery (queued), all credits held",
              headers: creditHeaders,
              content: { "application/json": { schema: { $ref: "#/components/schemas/BatchResult" } } },
            },
            ...sendErrors,
          },
        },
      },
      "/emails/{id}": {
        get: {
          summary: "Retrieve an email",
          operationId: "getEmail",
          description: "Needs a full-access key.",
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
          responses: {
            "200": {
              description: "The email",
              headers: rateHeaders,
              content: { "application/json": { schema: { $ref: "#/components/schemas/Email" } } },
            },
            "404": error("No such email for this account", {
              statusCode: 404,
              name: "not_found",
              message: "Email not found",
            }),
            ...common,
          },
        },
      },
      ...domainOpenApiPaths(error, common, rateHeaders),
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A MailKit API key (mk_…), from Dashboard → API keys" },
      },
      schemas: {
        ...domainOpenApiSchemas,
        SendEmail: {
          type: "object",
          required: ["from", "to", "subject"],
          properties: {
            from: { type: "string" },
            to: addresses,
            cc: addresses,
            bcc: addresses,
            reply_to: addresses,
            subject: { type: "string", maxLength: 998 },
            html: { type: "string" },
            text: { type: "string", description: "`html` or `text` is required" },
            headers: { type: "object", additionalProperties: { type: "string" } },
            tags: {
              type: "array",
              items: {
                type: "object",
                required: ["name", "value"],
                properties: { name: { type: "string" }, value: { type: "string" } },
              },
            },
            attachments: {
              type: "array",
              items: {
                type: "object",
                properties: {
                  content: { type: "string", description: "base64" },
                  path: { type: "string", format: "uri" },
                  filename: { type: "string" },
                  content_type: { type: "string" },
                },
              },
            },
          },
        },
        SendResult: {
          type: "object",
          required: ["id", "credits_charged", "credits_remaining"],
          properties: {
            id: { type: "string" },
            credits_charged: { type: "integer" },
            credits_remaining: { type: "integer" },
          },
        },
        BatchResult: {
          type: "object",
          properties: {
            data: { type: "array", items: { type: "object", properties: { id: { type: "string" } } } },
            credits_charged: { type: "integer" },
            credits_remaining: { type: "integer" },
          },
        },
        Email: {
          type: "object",
          properties: {
            object: { const: "email" },
            id: { type: "string" },
            from: { type: "string" },
            to: { type: "array", items: { type: "string" } },
            cc: { type: ["array", "null"], items: { type: "string" } },
            bcc: { type: ["array", "null"], items: { type: "string" } },
            reply_to: { type: ["array", "null"], items: { type: "string" } },
            subject: { type: "string" },
            html: { type: ["string", "null"] },
            text: { type: ["string", "null"] },
            created_at: { type: "string", format: "date-time" },
            scheduled_at: { type: "null" },
            last_event: { enum: ["queued", "failed", ...ACCEPTED_STATUSES] },
            status: { enum: [...SEND_STATUSES] },
            credits_charged: { type: "integer" },
          },
        },
        Error: {
          type: "object",
          required: ["statusCode", "name", "message"],
          properties: { statusCode: { type: "integer" }, name: { type: "string" }, message: { type: "string" } },
        },
        InsufficientCredits: {
          allOf: [
            { $ref: "#/components/schemas/Error" },
            {
              type: "object",
              properties: {
                required: { type: "integer" },
                available: { type: "integer" },
                top_up_url: { type: "string", format: "uri" },
              },
            },
          ],
        },
      },
    },
  };
}
