import { z } from "zod";
import { createEndpointInput, updateEndpointInput } from "@/lib/webhooks/schema";
import { DomainTakenError, SenderNotAllowedError } from "@/lib/domains/errors";

import { publicErrorBody, type HttpError } from "@/lib/http/errors";
import { listEmailsQuery, MAX_BATCH_SIZE, REQUIRED_FIELDS, wireEmail } from "@/lib/sending/email-schema";

import { apiEmailSchema, batchAnswerSchema, emailListSchema, sendAnswerSchema } from "./emails";
import { apiErrors } from "./errors";
import {
  createDomainBody,
  domainDeletedSchema,
  domainListSchema,
  domainRefSchema,
  domainSchema,
  listDomainsQuery,
} from "./domains";
import {
  webhookDeletedSchema,
  webhookEventListSchema,
  webhookEventRefSchema,
  webhookEventSchema,
  webhookListSchema,
  webhookRefSchema,
  webhookSchema,
  webhookSecretSchema,
} from "./webhooks";
import {
  apiSuppressionSchema,
  suppressionAddedSchema,
  suppressionListSchema,
  suppressionRemovedSchema,
} from "./suppressions";
import { addSuppressionBody, listSuppressionsQuery } from "@/lib/suppressions/validation";

/**
 * The OpenAPI 3.1 description of MailKit's public API (served at /api/openapi.json), generated from the zod
 * schemas the API itself validates and answers with, and from its error catalogue: nothing is restated by hand.
 */

function jsonSchema(schema: z.ZodType, io: "input" | "output" = "output"): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

/** POST /emails's body: the wire schema, where a recipient field also takes one string, as Resend's does. */
function sendEmailSchema() {
  const schema = jsonSchema(wireEmail, "input") as { properties: Record<string, object>; required?: string[] };
  for (const field of ["to", "cc", "bcc", "reply_to"]) {
    const list = schema.properties[field]!;
    schema.properties[field] = {
      oneOf: [{ type: "string" }, list],
      description: "`email@example.com` or `Name <email@example.com>`, or an array of them",
    };
  }
  schema.required = [...REQUIRED_FIELDS];
  return {
    ...schema,
    description: "Resend's email, as the official SDK sends it. `html` or `text` is required.",
  };
}

/** Query parameters from a zod object schema. */
function queryParameters(schema: z.ZodType) {
  const { properties = {} } = jsonSchema(schema, "input") as { properties?: Record<string, object> };
  return Object.entries(properties).map(([name, property]) => ({ name, in: "query", schema: property }));
}

/** The catalogue's errors an operation can answer, grouped by status, each with its example body. */
function errorResponses(errors: HttpError[]): Record<string, object> {
  const byStatus = new Map<number, HttpError[]>();
  for (const error of errors) byStatus.set(error.status, [...(byStatus.get(error.status) ?? []), error]);
  return Object.fromEntries(
    [...byStatus].map(([status, group]) => [
      String(status),
      {
        description: group.map((e) => `\`${e.wireName}\`: ${e.message}`).join(" — "),
        content: {
          "application/json": {
            schema: { $ref: "#/components/schemas/Error" },
            examples: Object.fromEntries(group.map((e) => [e.code, { value: publicErrorBody(e) }])),
          },
        },
        ...(status === 429 ? { headers: { ...RATE_HEADERS, "retry-after": integerHeader("Seconds to wait") } } : {}),
      },
    ]),
  );
}

const integerHeader = (description: string) => ({ schema: { type: "integer" }, description });
const RATE_HEADERS = {
  "ratelimit-limit": integerHeader("Requests allowed per second for this key"),
  "ratelimit-remaining": integerHeader("Requests left in the current window"),
  "ratelimit-reset": integerHeader("Seconds until the window resets"),
};
const CREDIT_HEADERS = {
  ...RATE_HEADERS,
  "x-mailkit-credits-charged": integerHeader("Credits this request took"),
  "x-mailkit-credits-remaining": integerHeader("Credits left to spend"),
};

const suppressionRefParameter = {
  name: "id_or_email",
  in: "path",
  required: true,
  schema: { type: "string" },
  description: "The entry's id, or the suppressed address",
};

const ok = (description: string, schema: z.ZodType, headers: object = RATE_HEADERS) => ({
  description,
  headers,
  content: { "application/json": { schema: jsonSchema(schema) } },
});

export function openApiDocument(apiBase: string) {
  const keyErrors = [
    apiErrors.missingApiKey(),
    apiErrors.invalidApiKey(),
    apiErrors.rateLimited({}),
    apiErrors.internal(),
  ];
  const readErrors = [...keyErrors, apiErrors.restrictedApiKey()];
  const sendErrors = [
    ...keyErrors,
    apiErrors.invalidJson(),
    apiErrors.invalidIdempotencyKey(),
    apiErrors.insufficientCredits(3, 1),
    apiErrors.idempotencyMismatch(),
    apiErrors.idempotencyInFlight(),
    apiErrors.payloadTooLarge(40 * 1024 * 1024),
    apiErrors.validation({ name: "missing_required_field", message: "Missing `to` field." }),
    new SenderNotAllowedError(
      "example.com",
      "The example.com domain is not verified. Please, add and verify your domain under Domains in the MailKit dashboard.",
    ),
    apiErrors.recipientsSuppressed(
      "Every `to` recipient is on your suppression list: a@example.com. Nothing was sent or charged.",
      ["a@example.com"],
      null,
    ),
    apiErrors.validation({
      name: "validation_error",
      message: "Invalid `to` field: use `email@example.com` or `Name <email@example.com>` (one address per entry)",
    }),
  ];
  const idempotencyKey = {
    name: "Idempotency-Key",
    in: "header",
    required: false,
    description:
      "1–256 characters, remembered 24 h: the same key and body replay the original response (no second send or charge).",
    schema: { type: "string", minLength: 1, maxLength: 256 },
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
            "200": ok(
              "Accepted for delivery: the credits are held and the email is `queued`; it is handed to the provider moments later (GET it to follow its status). Credits are released if the provider refuses it.",
              sendAnswerSchema,
              CREDIT_HEADERS,
            ),
            ...errorResponses(sendErrors),
          },
        },
        get: {
          summary: "List sent emails (newest first)",
          operationId: "listEmails",
          description: "Needs a full-access key.",
          parameters: queryParameters(listEmailsQuery),
          responses: {
            "200": ok("A page of emails", emailListSchema),
            ...errorResponses([...readErrors, apiErrors.validation({ name: "validation_error", message: "…" })]),
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
            "200": ok(
              "Every email accepted for delivery (queued), all credits held",
              batchAnswerSchema,
              CREDIT_HEADERS,
            ),
            ...errorResponses(sendErrors),
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
            "200": ok("The email", apiEmailSchema),
            ...errorResponses([...readErrors, apiErrors.notFound()]),
          },
        },
      },
      "/suppressions": {
        get: {
          summary: "List suppressed addresses (newest first)",
          operationId: "listSuppressions",
          description:
            "Your suppression list: addresses that hard-bounced or complained (added by MailKit from delivery events) or that you added. Sends leave them out before anything is charged. Needs a full-access key.",
          parameters: queryParameters(listSuppressionsQuery),
          responses: {
            "200": ok("A page of the list", suppressionListSchema),
            ...errorResponses([...readErrors, apiErrors.validation({ name: "validation_error", message: "…" })]),
          },
        },
        post: {
          summary: "Add an address to the list",
          operationId: "addSuppression",
          description: "Origin `manual`. An address already on the list keeps its entry. Needs a full-access key.",
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchema(addSuppressionBody, "input") } },
          },
          responses: {
            "201": ok("On the list", suppressionAddedSchema),
            ...errorResponses([
              ...readErrors,
              apiErrors.validation({ name: "validation_error", message: "`nope` is not an email address." }),
            ]),
          },
        },
      },
      "/suppressions/{id_or_email}": {
        get: {
          summary: "Retrieve a suppressed address",
          operationId: "getSuppression",
          parameters: [suppressionRefParameter],
          responses: {
            "200": ok("The entry", apiSuppressionSchema),
            ...errorResponses([...readErrors, apiErrors.notFound("Suppression not found")]),
          },
        },
        delete: {
          summary: "Remove an address from the list",
          operationId: "removeSuppression",
          description: "Later sends to it are delivered and charged again. Needs a full-access key.",
          parameters: [suppressionRefParameter],
          responses: {
            "200": ok("Removed", suppressionRemovedSchema),
            ...errorResponses([...readErrors, apiErrors.notFound("Suppression not found")]),
          },
        },
      },
      ...domainPaths(readErrors),
      ...webhookPaths(readErrors),
    },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "A MailKit API key (mk_…), from Dashboard → API keys" },
      },
      schemas: {
        SendEmail: sendEmailSchema(),
        Error: {
          type: "object",
          required: ["statusCode", "name", "message"],
          description:
            "Resend's error shape. A 402 adds `required`, `available` (credits) and `top_up_url`; nothing was sent or charged.",
          properties: { statusCode: { type: "integer" }, name: { type: "string" }, message: { type: "string" } },
        },
      },
    },
  };
}

/** Customer webhook endpoints, wire-compatible with Resend's webhooks API (`resend.webhooks.*`). */
function webhookPaths(readErrors: HttpError[]) {
  const path = (name: string, description?: string) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
    ...(description ? { description } : {}),
  });
  const id = path("id");
  const eventId = path("eventId", "msg_…");
  const body = (schema: z.ZodType) => ({
    required: true,
    content: { "application/json": { schema: jsonSchema(schema, "input") } },
  });
  const tags = ["Webhooks"];
  const notFound = errorResponses([...readErrors, apiErrors.notFound("Webhook not found")]);
  const invalid = apiErrors.validation({
    name: "validation_error",
    message:
      "The endpoint must be on a public host (private, link-local, multicast and reserved addresses are refused).",
  });
  return {
    "/webhooks": {
      post: {
        tags,
        summary: "Register a webhook endpoint",
        operationId: "createWebhook",
        description:
          "Needs a full-access key. The `signing_secret` (Standard Webhooks, `whsec_…`) is returned here and on rotation only. The URL must be `https://` on a public host; its DNS answers are checked now and at every delivery.",
        requestBody: body(createEndpointInput),
        responses: { "201": ok("Registered", webhookSecretSchema), ...errorResponses([...readErrors, invalid]) },
      },
      get: {
        tags,
        summary: "List webhook endpoints",
        operationId: "listWebhooks",
        responses: { "200": ok("Every endpoint of the account", webhookListSchema), ...errorResponses(readErrors) },
      },
    },
    "/webhooks/{id}": {
      get: {
        tags,
        summary: "Retrieve a webhook endpoint",
        operationId: "getWebhook",
        description: "`signing_secret` is masked (whsec_abcd…wxyz): it is shown once; rotate it to get a new one.",
        parameters: [id],
        responses: { "200": ok("The endpoint", webhookSchema), ...notFound },
      },
      patch: {
        tags,
        summary: "Update a webhook endpoint",
        operationId: "updateWebhook",
        description: "Change the URL (checked again), the events, or `status` (enabling clears the failure record).",
        parameters: [id],
        requestBody: body(updateEndpointInput),
        responses: {
          "200": ok("Updated", webhookRefSchema),
          ...errorResponses([...readErrors, apiErrors.notFound("Webhook not found"), invalid]),
        },
      },
      delete: {
        tags,
        summary: "Remove a webhook endpoint",
        operationId: "removeWebhook",
        parameters: [id],
        responses: { "200": ok("Removed", webhookDeletedSchema), ...notFound },
      },
    },
    "/webhooks/{id}/signing-secret/rotate": {
      post: {
        tags,
        summary: "Rotate the signing secret",
        operationId: "rotateWebhookSigningSecret",
        description: "Deliveries from now on are signed with the new secret.",
        parameters: [id],
        responses: { "200": ok("The new secret", webhookSecretSchema), ...notFound },
      },
    },
    "/webhooks/{id}/events": {
      get: {
        tags,
        summary: "List an endpoint's events (the delivery log)",
        operationId: "listWebhookEvents",
        parameters: [id, { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100 } }],
        responses: { "200": ok("Newest first", webhookEventListSchema), ...notFound },
      },
    },
    "/webhooks/{id}/events/{eventId}": {
      get: {
        tags,
        summary: "Retrieve an event with its payload",
        operationId: "getWebhookEvent",
        parameters: [id, eventId],
        responses: { "200": ok("The event", webhookEventSchema), ...notFound },
      },
    },
    "/webhooks/{id}/events/{eventId}/replay": {
      post: {
        tags,
        summary: "Replay an event",
        operationId: "replayWebhookEvent",
        description: "Delivers it again: the same `webhook-id` and payload, signed anew, with a fresh retry schedule.",
        parameters: [id, eventId],
        responses: { "200": ok("Queued for delivery", webhookEventRefSchema), ...notFound },
      },
    },
  };
}

/** Sender domains, wire-compatible with Resend's Domains API (`resend.domains.*`). */
function domainPaths(readErrors: HttpError[]) {
  const id = { name: "id", in: "path", required: true, schema: { type: "string" } };
  const tags = ["Domains"];
  const notFound = errorResponses([...readErrors, apiErrors.notFound("Domain not found")]);
  return {
    "/domains": {
      post: {
        tags,
        summary: "Add a sender domain",
        operationId: "createDomain",
        description:
          "Creates the domain in Resend and answers the DNS records to publish (SPF MX and TXT, DKIM, DMARC). A domain belongs to one MailKit account. Needs a full-access key.",
        requestBody: {
          required: true,
          content: { "application/json": { schema: jsonSchema(createDomainBody, "input") } },
        },
        responses: {
          "200": ok("The domain with its DNS records", domainSchema),
          ...errorResponses([
            ...readErrors,
            new DomainTakenError("example.com", false),
            apiErrors.validation({ name: "validation_error", message: "`example` is not a valid domain name." }),
          ]),
        },
      },
      get: {
        tags,
        summary: "List sender domains (newest first)",
        operationId: "listDomains",
        parameters: queryParameters(listDomainsQuery),
        responses: { "200": ok("A page of domains", domainListSchema), ...errorResponses(readErrors) },
      },
    },
    "/domains/{id}": {
      get: {
        tags,
        summary: "Retrieve a sender domain",
        operationId: "getDomain",
        parameters: [id],
        responses: { "200": ok("The domain with its records and each record's status", domainSchema), ...notFound },
      },
      delete: {
        tags,
        summary: "Remove a sender domain",
        operationId: "removeDomain",
        description: "Removes it in Resend too; emails from it are refused from then on.",
        parameters: [id],
        responses: { "200": ok("Removed", domainDeletedSchema), ...notFound },
      },
    },
    "/domains/{id}/verify": {
      post: {
        tags,
        summary: "Verify a sender domain",
        operationId: "verifyDomain",
        description: "Asks Resend to check the DNS records now: `pending`, then `verified` or `failed`.",
        parameters: [id],
        responses: { "200": ok("Verification started", domainRefSchema), ...notFound },
      },
    },
  };
}
