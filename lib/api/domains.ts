import { z } from "zod";

import { toApiDomain, toApiDomainListItem } from "@/lib/domains/api-shape";
import { addDomain, getDomain, listDomains, removeDomain, verifyDomain } from "@/lib/domains/service";
import type { PublicAnswer } from "@/lib/http/public-api";

import { apiErrors } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse-input";
import { oneCursorAtMost, pageLimit } from "@/lib/validation/pagination";
import type { ApiCaller } from "@/lib/keys/api-keys";

/**
 * The public API's Domains endpoints, wire-compatible with Resend's so `resend.domains.*` works with MailKit's
 * base URL and a MailKit key. Full-access keys only; every id is scoped to the key owner's domains (another
 * customer's id is a 404). Domain errors are HttpErrors (lib/domains/errors.ts), rendered in Resend's shape.
 *   POST   /api/domains              { name, region? } → the domain with its DNS records
 *   GET    /api/domains              { object: "list", has_more, data }
 *   GET    /api/domains/{id}         the domain with its records
 *   POST   /api/domains/{id}/verify  { object: "domain", id }
 *   DELETE /api/domains/{id}         { object: "domain", id, deleted: true }
 * An account has at most 10 domains (403 beyond), a name not verified within 72 h is released, and adds, verifies
 * and removals are limited per customer (429 with retry-after): lib/domains/service.ts and pacing.ts.
 */

// ---- request and answer schemas (also the OpenAPI document's, lib/api/openapi.ts) ------------------------------

/** The name and region are checked by lib/domains (syntax, MailKit's own domain, Resend's regions). */
export const createDomainBody = z.object(
  {
    name: z.unknown().meta({ type: "string", description: "The domain, e.g. `mail.example.com`" }),
    region: z.unknown().optional().meta({ type: "string", description: "Resend's region (`us-east-1` by default)" }),
  },
  { error: "The request body must be a JSON object with a `name`." },
);

export const listDomainsQuery = z
  .object({ limit: pageLimit, after: z.string().max(100).optional(), before: z.string().max(100).optional() })
  .refine(...oneCursorAtMost);

const dnsRecord = z.object({
  record: z.string().meta({ description: "SPF, DKIM or DMARC" }),
  name: z.string(),
  type: z.string(),
  value: z.string(),
  ttl: z.string(),
  status: z.string(),
  priority: z.number().int().optional(),
});
export const domainListItemSchema = z.object({
  id: z.string(),
  name: z.string(),
  status: z.string().meta({ description: "not_started, pending, verified, failed or temporary_failure" }),
  created_at: z.iso.datetime(),
  region: z.string(),
  capabilities: z.object({ sending: z.string(), receiving: z.string() }),
});
export const domainSchema = domainListItemSchema.extend({ object: z.literal("domain"), records: z.array(dnsRecord) });
export const domainListSchema = z.object({
  object: z.literal("list"),
  has_more: z.boolean(),
  data: z.array(domainListItemSchema),
});
export const domainRefSchema = z.object({ object: z.literal("domain"), id: z.string() });
export const domainDeletedSchema = domainRefSchema.extend({ deleted: z.literal(true) });

// ---- endpoints ------------------------------------------------------------------------------------------------

export async function createDomain(caller: ApiCaller, body: unknown): Promise<PublicAnswer> {
  const input = parseInput(createDomainBody, body);
  const domain = await addDomain(caller.userId, { name: input.name, region: input.region });
  return { body: toApiDomain(domain) };
}

export async function listDomainsPage(caller: ApiCaller, query: Record<string, string>): Promise<PublicAnswer> {
  const { limit, after, before } = parseInput(listDomainsQuery, query);
  const all = await listDomains(caller.userId); // newest first; a customer has a handful of domains
  let start = 0;
  let end = Math.min(all.length, limit);
  if (after !== undefined || before !== undefined) {
    const i = all.findIndex((d) => d.id === (after ?? before));
    if (i === -1)
      throw apiErrors.validation({ name: "validation_error", message: "The cursor does not match any domain." });
    [start, end] = after !== undefined ? [i + 1, Math.min(all.length, i + 1 + limit)] : [Math.max(0, i - limit), i];
  }
  const hasMore = after !== undefined || before === undefined ? end < all.length : start > 0;
  const data = all.slice(start, end).map(toApiDomainListItem);
  return { body: { object: "list", has_more: hasMore, data } };
}

export async function getDomainEntry(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  return { body: toApiDomain(await getDomain(caller.userId, id)) };
}

export async function verifyDomainEntry(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  const domain = await verifyDomain(caller.userId, id);
  return { body: { object: "domain", id: domain.id } satisfies z.infer<typeof domainRefSchema> };
}

export async function removeDomainEntry(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  const domain = await removeDomain(caller.userId, id);
  return { body: { object: "domain", id: domain.id, deleted: true } satisfies z.infer<typeof domainDeletedSchema> };
}
