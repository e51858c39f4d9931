import {
  addSuppression,
  getSuppression,
  InvalidAddressError,
  listSuppressions,
  removeSuppression,
  type SuppressionEntry,
} from "@/lib/suppressions";
import { z } from "zod";

import { SUPPRESSION_REASONS } from "@/lib/suppressions/recipients";
import { addSuppressionBody, listSuppressionsQuery, suppressionRef } from "@/lib/suppressions/schema";
import type { PublicAnswer } from "@/lib/http/public-api";

import { apiErrors } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse-input";
import type { ApiCaller } from "@/lib/keys/api-keys";

/**
 * The customer's suppression list, wire-compatible with Resend's `suppressions.*` (full-access key):
 *   GET    /api/suppressions                 list, newest first (limit/after/before, origin, MailKit's `search`)
 *   POST   /api/suppressions                 add an address by hand (origin "manual")
 *   GET    /api/suppressions/{id|email}      one entry
 *   DELETE /api/suppressions/{id|email}      remove it: sends to it are charged and delivered again
 */

const notFound = () => apiErrors.notFound("Suppression not found");

export async function listSuppressionsPage(caller: ApiCaller, query: Record<string, string>): Promise<PublicAnswer> {
  const { origin, ...rest } = parseInput(listSuppressionsQuery, query);
  const page = await listSuppressions(caller.userId, { ...rest, reason: origin });
  if (!page)
    throw apiErrors.validation({ name: "validation_error", message: "The cursor does not match any suppression." });
  return {
    body: { object: "list", has_more: page.hasMore, data: page.items.map((e) => toApiSuppression(e, false)) },
  };
}

export async function addSuppressionFromApi(caller: ApiCaller, body: unknown): Promise<PublicAnswer> {
  const { email } = parseInput(addSuppressionBody, body);
  if (!caller.customerId)
    throw apiErrors.validation({ name: "validation_error", message: "This account has no billing customer yet." });
  try {
    const entry = await addSuppression({ userId: caller.userId, customerId: caller.customerId }, email);
    return { status: 201, body: { object: "suppression", id: entry.id } };
  } catch (error) {
    if (error instanceof InvalidAddressError)
      throw apiErrors.validation({ name: "validation_error", message: error.message });
    throw error;
  }
}

export async function getSuppressionEntry(caller: ApiCaller, ref: string): Promise<PublicAnswer> {
  const entry = suppressionRef.safeParse(ref).success ? await getSuppression(caller.userId, ref) : null;
  if (!entry) throw notFound();
  return { body: toApiSuppression(entry, true) };
}

export async function removeSuppressionEntry(caller: ApiCaller, ref: string): Promise<PublicAnswer> {
  const entry = suppressionRef.safeParse(ref).success ? await removeSuppression(caller.userId, ref) : null;
  if (!entry) throw notFound();
  return { body: { object: "suppression", id: entry.id, deleted: true } };
}

/** An entry in Resend's shape (`origin`, `source_id` = the MailKit email id that caused it). */
export const apiSuppressionSchema = z.object({
  object: z.literal("suppression").optional().meta({ description: "On single entries" }),
  id: z.string(),
  email: z.string().meta({ description: "Bare and lower-cased" }),
  origin: z.enum(SUPPRESSION_REASONS),
  source_id: z.string().nullable().meta({ description: "The MailKit email whose bounce or complaint added it" }),
  created_at: z.iso.datetime(),
});
export const suppressionListSchema = z.object({
  object: z.literal("list"),
  has_more: z.boolean(),
  data: z.array(apiSuppressionSchema),
});
export const suppressionAddedSchema = z.object({ object: z.literal("suppression"), id: z.string() });
export const suppressionRemovedSchema = suppressionAddedSchema.extend({ deleted: z.literal(true) });

export function toApiSuppression(entry: SuppressionEntry, withObject: boolean): z.infer<typeof apiSuppressionSchema> {
  return {
    ...(withObject ? { object: "suppression" as const } : {}),
    id: entry.id,
    email: entry.address,
    origin: entry.reason,
    source_id: entry.sendId,
    created_at: entry.createdAt.toISOString(),
  };
}
