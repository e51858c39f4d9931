import { z } from "zod";

import { PRODUCT_COPY } from "@/lib/catalog/product";
import { apiErrors, publicErrorBody, type HttpError } from "@/lib/errors";
import {
  CREDITS_CHARGED_HEADER,
  CREDITS_REMAINING_HEADER,
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_MAX_LENGTH,
} from "@/lib/http/public-api";
import { RATE_LIMIT_HEADERS } from "@/lib/rate-limit";
import { REQUIRED_FIELDS, wireEmail } from "@/lib/sending/wire-schema";

import { pathParameterNames, type ApiOperation } from "./operation";
import { PUBLIC_API_OPERATIONS } from "./operations";

/**
 * The OpenAPI 3.1 description of MailKit's public API (served at /api/openapi.json), generated from the operation
 * list, the zod schemas the API itself validates and answers with, and its error catalogue: nothing is restated
 * by hand.
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

const integerHeader = (description: string) => ({ schema: { type: "integer" }, description });
const RATE_HEADERS = {
  [RATE_LIMIT_HEADERS.limit]: integerHeader("Requests allowed per second for this key"),
  [RATE_LIMIT_HEADERS.remaining]: integerHeader("Requests left in the current window"),
  [RATE_LIMIT_HEADERS.reset]: integerHeader("Seconds until the window resets"),
};
const CREDIT_HEADERS = {
  ...RATE_HEADERS,
  [CREDITS_CHARGED_HEADER]: integerHeader("Credits this request took"),
  [CREDITS_REMAINING_HEADER]: integerHeader("Credits left to spend"),
};

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
        ...(status === 429
          ? { headers: { ...RATE_HEADERS, [RATE_LIMIT_HEADERS.retryAfter]: integerHeader("Seconds to wait") } }
          : {}),
      },
    ]),
  );
}

/** What every operation with this access can answer: the key checks, the rate limit, an internal error. */
function accessErrors(access: ApiOperation["access"]): HttpError[] {
  const keyErrors = [
    apiErrors.missingApiKey(),
    apiErrors.invalidApiKey(),
    apiErrors.rateLimited({}),
    apiErrors.internal(),
  ];
  return access === "full" ? [...keyErrors, apiErrors.restrictedApiKey()] : keyErrors;
}

const idempotencyKeyParameter = {
  name: IDEMPOTENCY_KEY_HEADER,
  in: "header",
  required: false,
  description:
    "1–256 characters, remembered 24 h: the same key and body replay the original response (no second send or charge).",
  schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
};

function parameters(operation: ApiOperation): object[] {
  const path = pathParameterNames(operation.path).map((name) => {
    const description = operation.pathParameters?.[name];
    return { name, in: "path", required: true, schema: { type: "string" }, ...(description ? { description } : {}) };
  });
  const query =
    operation.query instanceof z.ZodType
      ? Object.entries(
          (jsonSchema(operation.query, "input") as { properties?: Record<string, object> }).properties ?? {},
        ).map(([name, schema]) => ({ name, in: "query", schema }))
      : (operation.query ?? []);
  return [...(operation.idempotent ? [idempotencyKeyParameter] : []), ...path, ...query];
}

function operationObject(operation: ApiOperation) {
  const { requestBody, response } = operation;
  const parameterList = parameters(operation);
  return {
    tags: [operation.tag],
    summary: operation.summary,
    operationId: operation.id,
    ...(operation.description ? { description: operation.description } : {}),
    ...(parameterList.length > 0 ? { parameters: parameterList } : {}),
    ...(requestBody
      ? {
          requestBody: {
            required: true,
            content: {
              "application/json": {
                schema: requestBody instanceof z.ZodType ? jsonSchema(requestBody, "input") : requestBody,
              },
            },
          },
        }
      : {}),
    responses: {
      [String(response.status ?? 200)]: {
        description: response.description,
        headers: response.creditHeaders ? CREDIT_HEADERS : RATE_HEADERS,
        content: { "application/json": { schema: jsonSchema(response.schema) } },
      },
      ...errorResponses([...accessErrors(operation.access), ...(operation.errors?.() ?? [])]),
    },
  };
}

/** OpenAPI's paths object: each path once, its operations under their lower-case methods, in the list's order. */
function paths(operations: readonly ApiOperation[]) {
  const byPath: Record<string, Record<string, ReturnType<typeof operationObject>>> = {};
  for (const operation of operations)
    (byPath[operation.path] ??= {})[operation.method.toLowerCase()] = operationObject(operation);
  return byPath;
}

export function openApiDocument(apiBase: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "MailKit API",
      version: "1.0.0",
      description:
        "Prepaid transactional email, wire-compatible with Resend's email endpoints: point the official `resend` SDK at this base URL with a MailKit key. " +
        PRODUCT_COPY.costRule,
    },
    servers: [{ url: apiBase }],
    security: [{ bearer: [] }],
    paths: paths(PUBLIC_API_OPERATIONS),
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
