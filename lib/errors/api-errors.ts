import { PRODUCT_COPY } from "@/lib/catalog/product";
import { getEnv } from "@/lib/env";
import { formatBytes } from "@/lib/format";

import { HttpError } from "./http-error";

/**
 * The public API's error catalogue, in Resend's vocabulary (statuses from ./http-error.ts), plus MailKit
 * fields where they help (the 402 says what is needed and where to top up). The OpenAPI document lists these.
 */

export const INSUFFICIENT_CREDITS_MESSAGE = PRODUCT_COPY.outOfCredits;

export function topUpUrl(): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/dashboard/billing`;
}

export const apiErrors = {
  missingApiKey: () =>
    new HttpError(
      "missing_api_key",
      "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer mk_...",
    ),
  invalidApiKey: () => new HttpError("invalid_api_key", "API key is invalid or has been revoked"),
  restrictedApiKey: () => new HttpError("restricted_api_key", "This API key is restricted to only send emails"),
  rateLimited: (headers: Record<string, string>) =>
    new HttpError(
      "rate_limit_exceeded",
      "Too many requests. Please limit the number of requests per second.",
      {},
      headers,
    ),
  invalidJson: () => new HttpError("invalid_json", "The request body is not valid JSON."),
  jsonTooDeep: (message: string) => new HttpError("json_too_deep", message),
  payloadTooLarge: (limitBytes: number) =>
    new HttpError("payload_too_large", `The request body is larger than ${formatBytes(limitBytes)}.`),
  validation: (failure: { name: "missing_required_field" | "validation_error"; message: string }) =>
    new HttpError(failure.name, failure.message),
  invalidParameter: (message: string) => new HttpError("invalid_parameter", message),
  invalidIdempotencyKey: () =>
    new HttpError("invalid_idempotency_key", "Idempotency keys, if present, must have between 1 and 256 characters."),
  idempotencyMismatch: () =>
    new HttpError(
      "invalid_idempotent_request",
      "This idempotency key has been used with this endpoint within the last 24 hours, but the request body was modified and doesn't match the original request.",
    ),
  idempotencyInFlight: () =>
    new HttpError(
      "concurrent_idempotent_requests",
      "There is another request in progress with the same idempotency key.",
    ),
  notFound: (what = "Email not found") => new HttpError("not_found", what),
  methodNotAllowed: () => new HttpError("method_not_allowed", "Method is not allowed for the requested path."),
  insufficientCredits: (required: number, available: number, message = INSUFFICIENT_CREDITS_MESSAGE) =>
    new HttpError("insufficient_credits", message, {
      required,
      available,
      top_up_url: topUpUrl(),
    }),
  /** Every `to` recipient of an email is on the customer's suppression list (lib/suppressions). */
  recipientsSuppressed: (message: string, suppressed: string[], index: number | null) =>
    new HttpError("recipients_suppressed", message, { suppressed, ...(index === null ? {} : { index }) }),
  internal: () =>
    new HttpError(
      "internal_server_error",
      "An unexpected error occurred. Retry with the same Idempotency-Key to get the original result without sending twice.",
    ),
};
