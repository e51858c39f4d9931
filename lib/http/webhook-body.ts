import { containsUncleanText } from "@/lib/text";

import {
  BODY_LIMITS,
  BodyTooLargeError,
  DEFAULT_MAX_JSON_DEPTH,
  InvalidJsonError,
  bodyText,
  parseJsonBounded,
} from "./body";
import type { EdgeRequest } from "./edge";

export type WebhookBody = { ok: true; rawBody: string } | { ok: false; status: 400 | 413; message: string };

/**
 * A webhook's raw body for signature verification: at most 256 KB (413 without reading the rest), and refused
 * with 400 when it is JSON that no provider sends and the database or later code cannot take (nesting deeper than
 * 64 levels, NUL characters, unpaired UTF-16 surrogates) — whether or not it is signed. Anything else, JSON or not,
 * is left to the verifier.
 */
export async function readWebhookBody(request: EdgeRequest): Promise<WebhookBody> {
  let rawBody: string;
  try {
    rawBody = bodyText(await request.readBody(BODY_LIMITS.webhook));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return { ok: false, status: 413, message: error.message };
    throw error;
  }
  let value: unknown;
  try {
    value = parseJsonBounded(rawBody, DEFAULT_MAX_JSON_DEPTH);
  } catch (error) {
    if (error instanceof InvalidJsonError && error.reason === "depth")
      return { ok: false, status: 400, message: error.message };
    return { ok: true, rawBody };
  }
  if (containsUncleanText(value))
    return { ok: false, status: 400, message: "The payload contains NUL characters or unpaired UTF-16 surrogates." };
  return { ok: true, rawBody };
}
