import { withApiKey } from "@/lib/api/auth";
import { ApiError, apiErrors } from "@/lib/api/errors";
import { jsonResponse } from "@/lib/api/respond";
import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "@/lib/http/body";

import { toApiDomain, toApiDomainListItem } from "./api-shape";
import { addDomain, getDomain, listDomains, removeDomain, verifyDomain } from "./service";

/**
 * The public API's Domains endpoints, wire-compatible with Resend's so `resend.domains.*` works with MailKit's
 * base URL and a MailKit key. Full-access keys only; every id is scoped to the key owner's domains (another
 * customer's id is a 404). Errors are Resend-shaped (DomainError → lib/api/respond.ts).
 *   POST   /api/domains              { name, region? } → the domain with its DNS records
 *   GET    /api/domains              { object: "list", has_more, data }
 *   GET    /api/domains/{id}         the domain with its records
 *   POST   /api/domains/{id}/verify  { object: "domain", id }
 *   DELETE /api/domains/{id}         { object: "domain", id, deleted: true }
 */

const DOMAIN_BODY_LIMIT = BODY_LIMITS.form; // a name and a region

export function handleCreateDomain(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const body = await readBody(request);
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw new ApiError(422, "validation_error", "The request body must be a JSON object with a `name`.");
    const input = body as { name?: unknown; region?: unknown };
    const domain = await addDomain(caller.userId, { name: input.name, region: input.region });
    return jsonResponse({ status: 200, body: toApiDomain(domain) });
  });
}

export function handleListDomains(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const params = new URL(request.url).searchParams;
    const limit = params.get("limit") === null ? 20 : Number(params.get("limit"));
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new ApiError(422, "validation_error", "The `limit` parameter must be an integer between 1 and 100.");
    const after = params.get("after");
    const before = params.get("before");
    if (after !== null && before !== null)
      throw new ApiError(
        422,
        "validation_error",
        "You can only use either the `after` or the `before` parameter, not both.",
      );
    const all = await listDomains(caller.userId); // newest first; a customer has a handful of domains
    let start = 0;
    let end = Math.min(all.length, limit);
    if (after !== null || before !== null) {
      const i = all.findIndex((d) => d.id === (after ?? before));
      if (i === -1) throw new ApiError(422, "validation_error", "The cursor does not match any domain.");
      [start, end] = after !== null ? [i + 1, Math.min(all.length, i + 1 + limit)] : [Math.max(0, i - limit), i];
    }
    const hasMore = after !== null || before === null ? end < all.length : start > 0;
    const data = all.slice(start, end).map(toApiDomainListItem);
    return jsonResponse({ status: 200, body: { object: "list", has_more: hasMore, data } });
  });
}

export function handleGetDomain(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) =>
    jsonResponse({ status: 200, body: toApiDomain(await getDomain(caller.userId, id)) }),
  );
}

export function handleVerifyDomain(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const domain = await verifyDomain(caller.userId, id);
    return jsonResponse({ status: 200, body: { object: "domain", id: domain.id } });
  });
}

export function handleRemoveDomain(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const domain = await removeDomain(caller.userId, id);
    return jsonResponse({ status: 200, body: { object: "domain", id: domain.id, deleted: true } });
  });
}

async function readBody(request: Request): Promise<unknown> {
  try {
    return await readJsonBody(request, { limitBytes: DOMAIN_BODY_LIMIT });
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw apiErrors.payloadTooLarge(error.limitBytes);
    if (error instanceof InvalidJsonError)
      throw error.reason === "syntax" ? apiErrors.invalidJson() : new ApiError(400, "validation_error", error.message);
    throw error;
  }
}
