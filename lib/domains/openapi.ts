import { DOMAIN_REGIONS } from "./service";

/**
 * The Domains endpoints in MailKit's OpenAPI document (lib/api/openapi.ts spreads these in). `error` and
 * `common` are that document's helpers, so the shapes stay one.
 */
type ErrorResponse = (description: string, example: Record<string, unknown>) => unknown;

export function domainOpenApiPaths(error: ErrorResponse, common: Record<string, unknown>, rateHeaders: unknown) {
  const notFound = error("No such domain for this account (another customer's id too)", {
    statusCode: 404,
    name: "not_found",
    message: "Domain not found",
  });
  const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
  const ok = (description: string, schema: unknown) => ({
    description,
    headers: rateHeaders,
    content: { "application/json": { schema } },
  });
  const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
  return {
    "/domains": {
      post: {
        summary: "Add a sender domain",
        operationId: "createDomain",
        description:
          "Creates the domain at Resend and answers the DNS records to publish. A domain belongs to one MailKit account. Full-access key.",
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["name"],
                properties: {
                  name: { type: "string", example: "mail.example.com" },
                  region: { type: "string", enum: [...DOMAIN_REGIONS], default: "us-east-1" },
                },
              },
            },
          },
        },
        responses: {
          "200": ok("The domain with its DNS records (status not_started)", ref("Domain")),
          "403": error("The domain is already registered (by you or another account)", {
            statusCode: 403,
            name: "validation_error",
            message: "The domain example.com is already registered by another MailKit account. …",
          }),
          "422": error("Not a domain name, or an unknown region", {
            statusCode: 422,
            name: "validation_error",
            message: "The `name` field must be a valid domain name, like example.com.",
          }),
          ...common,
        },
      },
      get: {
        summary: "List your domains (newest first)",
        operationId: "listDomains",
        parameters: [
          { name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: 100, default: 20 } },
          { name: "after", in: "query", schema: { type: "string" } },
          { name: "before", in: "query", schema: { type: "string" } },
        ],
        responses: {
          "200": ok("A page of domains (without records)", {
            type: "object",
            properties: {
              object: { const: "list" },
              has_more: { type: "boolean" },
              data: { type: "array", items: ref("DomainListItem") },
            },
          }),
          ...common,
        },
      },
    },
    "/domains/{id}": {
      get: {
        summary: "Retrieve a domain with its DNS records and their status",
        operationId: "getDomain",
        parameters: [idParam],
        responses: { "200": ok("The domain", ref("Domain")), "404": notFound, ...common },
      },
      delete: {
        summary: "Remove a domain",
        operationId: "removeDomain",
        description: "Removes it at Resend too; emails from it are refused from then on.",
        parameters: [idParam],
        responses: {
          "200": ok("Removed", {
            type: "object",
            properties: { object: { const: "domain" }, id: { type: "string" }, deleted: { const: true } },
          }),
          "404": notFound,
          ...common,
        },
      },
    },
    "/domains/{id}/verify": {
      post: {
        summary: "Verify a domain (check its DNS records now)",
        operationId: "verifyDomain",
        description:
          "Starts Resend's DNS check: the status becomes pending, then verified or failed (follow it with GET /domains/{id}).",
        parameters: [idParam],
        responses: {
          "200": ok("Verification started", {
            type: "object",
            properties: { object: { const: "domain" }, id: { type: "string" } },
          }),
          "404": notFound,
          ...common,
        },
      },
    },
  };
}

const STATUSES = ["not_started", "pending", "verified", "failed", "temporary_failure"];

export const domainOpenApiSchemas = {
  DomainListItem: {
    type: "object",
    required: ["id", "name", "status", "created_at", "region"],
    properties: {
      id: { type: "string" },
      name: { type: "string" },
      status: { type: "string", enum: STATUSES },
      created_at: { type: "string", format: "date-time" },
      region: { type: "string", enum: [...DOMAIN_REGIONS] },
      capabilities: {
        type: "object",
        properties: { sending: { type: "string" }, receiving: { type: "string" } },
      },
    },
  },
  Domain: {
    allOf: [
      { $ref: "#/components/schemas/DomainListItem" },
      {
        type: "object",
        properties: {
          object: { const: "domain" },
          records: { type: "array", items: { $ref: "#/components/schemas/DnsRecord" } },
        },
      },
    ],
  },
  DnsRecord: {
    type: "object",
    required: ["record", "name", "type", "value", "ttl", "status"],
    properties: {
      record: { type: "string", enum: ["SPF", "DKIM", "DMARC"] },
      name: { type: "string", description: "Host, relative to the domain (e.g. `send`, `resend._domainkey`)" },
      type: { type: "string", enum: ["MX", "TXT", "CNAME"] },
      value: { type: "string" },
      ttl: { type: "string" },
      priority: { type: "integer" },
      status: { type: "string", enum: STATUSES },
    },
  },
};
