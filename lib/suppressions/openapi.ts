import { SUPPRESSION_REASONS } from "./recipients";

/** The suppression endpoints and schemas of MailKit's OpenAPI document (merged in lib/api/openapi.ts). */

type ErrorResponse = (description: string, example: Record<string, unknown>) => Record<string, unknown>;

export function suppressionPaths({
  error,
  common,
  rateHeaders,
}: {
  error: ErrorResponse;
  common: Record<string, unknown>;
  rateHeaders: Record<string, unknown>;
}) {
  const json = (schema: unknown) => ({ "application/json": { schema } });
  const ref = { name: "id_or_email", in: "path", required: true, schema: { type: "string" } };
  const notFound = error("No such entry on this account's list", {
    statusCode: 404,
    name: "not_found",
    message: "Suppression not found",
  });
  return {
    "/suppressions": {
      get: {
        summary: "List suppressed addresses (newest first)",
        operationId: "listSuppressions",
        description:
          "Your suppression list: addresses that hard-bounced or complained (added by MailKit from delivery events) or that you added. Sends leave them out before anything is charged. Needs a full-access key.",
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          { name: "after", in: "query", schema: { type: "string" }, description: "Entries older than this id" },
          { name: "before", in: "query", schema: { type: "string" }, description: "Entries newer than this id" },
          { name: "origin", in: "query", schema: { enum: [...SUPPRESSION_REASONS] } },
          {
            name: "search",
            in: "query",
            schema: { type: "string", maxLength: 320 },
            description: "MailKit: part of the address, case-insensitive",
          },
        ],
        responses: {
          "200": {
            description: "A page of the list",
            headers: rateHeaders,
            content: json({
              type: "object",
              properties: {
                object: { const: "list" },
                has_more: { type: "boolean" },
                data: { type: "array", items: { $ref: "#/components/schemas/Suppression" } },
              },
            }),
          },
          ...common,
        },
      },
      post: {
        summary: "Add an address to the list",
        operationId: "addSuppression",
        description: "Origin `manual`. An address already on the list keeps its entry. Needs a full-access key.",
        requestBody: {
          required: true,
          content: json({ type: "object", required: ["email"], properties: { email: { type: "string" } } }),
        },
        responses: {
          "201": {
            description: "On the list",
            content: json({ type: "object", properties: { object: { const: "suppression" }, id: { type: "string" } } }),
          },
          "422": error("Not an email address", {
            statusCode: 422,
            name: "validation_error",
            message: "`nope` is not an email address.",
          }),
          ...common,
        },
      },
    },
    "/suppressions/{id_or_email}": {
      get: {
        summary: "Retrieve a suppressed address",
        operationId: "getSuppression",
        parameters: [ref],
        responses: {
          "200": { description: "The entry", content: json({ $ref: "#/components/schemas/Suppression" }) },
          "404": notFound,
          ...common,
        },
      },
      delete: {
        summary: "Remove an address from the list",
        operationId: "removeSuppression",
        description: "Later sends to it are delivered and charged again. Needs a full-access key.",
        parameters: [ref],
        responses: {
          "200": {
            description: "Removed",
            content: json({
              type: "object",
              properties: { object: { const: "suppression" }, id: { type: "string" }, deleted: { const: true } },
            }),
          },
          "404": notFound,
          ...common,
        },
      },
    },
  };
}

export const suppressionSchemas = {
  Suppression: {
    type: "object",
    properties: {
      object: { const: "suppression", description: "On single entries" },
      id: { type: "string" },
      email: { type: "string", description: "Bare and lower-cased" },
      origin: { enum: [...SUPPRESSION_REASONS] },
      source_id: { type: ["string", "null"], description: "The MailKit email whose bounce or complaint added it" },
      created_at: { type: "string", format: "date-time" },
    },
  },
  RecipientsSuppressed: {
    allOf: [
      { $ref: "#/components/schemas/Error" },
      {
        type: "object",
        properties: {
          suppressed: { type: "array", items: { type: "string" } },
          index: { type: "integer", description: "Batch only: the email that has no recipient left" },
        },
      },
    ],
  },
};
