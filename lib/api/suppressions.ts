import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "@/lib/http/body";
import {
  addSuppression,
  getSuppression,
  InvalidAddressError,
  listSuppressions,
  removeSuppression,
  type SuppressionEntry,
} from "@/lib/suppressions";
import { addSuppressionBody, listSuppressionsQuery, suppressionRef } from "@/lib/suppressions/validation";

import { withApiKey } from "./auth";
import { ApiError, apiErrors } from "./errors";
import { jsonResponse } from "./respond";

/**
 * The customer's suppression list, wire-compatible with Resend's `suppressions.*` (full-access key):
 *   GET    /api/suppressions                 list, newest first (limit/after/before, origin, MailKit's `search`)
 *   POST   /api/suppressions                 add an address by hand (origin "manual")
 *   GET    /api/suppressions/{id|email}      one entry
 *   DELETE /api/suppressions/{id|email}      remove it: sends to it are charged and delivered again
 */

const notFound = () => apiErrors.notFound("Suppression not found");

export function handleListSuppressions(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const query = listSuppressionsQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!query.success)
      throw apiErrors.validation({ name: "validation_error", message: query.error.issues[0]!.message });
    const { origin, ...rest } = query.data;
    const page = await listSuppressions(caller.userId, { ...rest, reason: origin });
    if (!page)
      throw apiErrors.validation({ name: "validation_error", message: "The cursor does not match any suppression." });
    return jsonResponse({
      status: 200,
      body: { object: "list", has_more: page.hasMore, data: page.items.map((e) => toApiSuppression(e, false)) },
    });
  });
}

export function handleAddSuppression(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    let body: unknown;
    try {
      body = await readJsonBody(request, { limitBytes: BODY_LIMITS.form });
    } catch (error) {
      if (error instanceof BodyTooLargeError) throw apiErrors.payloadTooLarge(error.limitBytes);
      if (error instanceof InvalidJsonError) throw apiErrors.invalidJson();
      throw error;
    }
    const parsed = addSuppressionBody.safeParse(body);
    if (!parsed.success)
      throw apiErrors.validation({ name: "validation_error", message: parsed.error.issues[0]!.message });
    if (!caller.customerId) throw new ApiError(422, "validation_error", "This account has no billing customer yet.");
    try {
      const entry = await addSuppression({ userId: caller.userId, customerId: caller.customerId }, parsed.data.email);
      return jsonResponse({ status: 201, body: { object: "suppression", id: entry.id } });
    } catch (error) {
      if (error instanceof InvalidAddressError)
        throw apiErrors.validation({ name: "validation_error", message: error.message });
      throw error;
    }
  });
}

export function handleGetSuppression(request: Request, ref: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const entry = suppressionRef.safeParse(ref).success ? await getSuppression(caller.userId, ref) : null;
    if (!entry) throw notFound();
    return jsonResponse({ status: 200, body: toApiSuppression(entry, true) });
  });
}

export function handleRemoveSuppression(request: Request, ref: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const entry = suppressionRef.safeParse(ref).success ? await removeSuppression(caller.userId, ref) : null;
    if (!entry) throw notFound();
    return jsonResponse({ status: 200, body: { object: "suppression", id: entry.id, deleted: true } });
  });
}

/** An entry in Resend's shape (`origin`, `source_id` = the MailKit email id that caused it). */
export function toApiSuppression(entry: SuppressionEntry, withObject: boolean) {
  return {
    ...(withObject ? { object: "suppression" as const } : {}),
    id: entry.id,
    email: entry.address,
    origin: entry.reason,
    source_id: entry.sendId,
    created_at: entry.createdAt.toISOString(),
  };
}
