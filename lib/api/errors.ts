import type { z } from "zod";

import { getEnv } from "@/lib/env";
import { formatBytes } from "@/lib/http/body";
import { HttpError } from "@/lib/http/errors";
import type { ValidationFailure } from "@/lib/sending/email-schema";
import { AllRecipientsSuppressedError, InsufficientCreditsError } from "@/lib/sending/errors";

/**
 * The public API's error catalogue, in Resend's vocabulary (statuses from lib/http/errors.ts), plus MailKit
 * fields where they help (the 402 says what is needed and where to top up). The OpenAPI document lists these.
 */

export const INSUFFICIENT_CREDITS_MESSAGE = "No email credits remaining. Buy a top-up pack or upgrade your plan.";

export function topUpUrl(): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/dashboard/billing`;
}

/** The input as the schema reads it, or a 422 `validation_error` with the schema's first message. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success)
    throw apiErrors.validation({ name: "validation_error", message: parsed.error.issues[0]!.message });
  return parsed.data;
}

/** A domain error the public API answers in its own words; anything else passes through. */
export function toApiError<E>(error: E): HttpError | E {
  if (error instanceof InsufficientCreditsError) return apiErrors.insufficientCredits(error.required, error.available);
  if (error instanceof AllRecipientsSuppressedError)
    return apiErrors.recipientsSuppressed(error.message, error.addresses, error.index);
  return error;
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
  validation: (failure: ValidationFailure) => new HttpError(failure.name, failure.message),
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
  insufficientCredits: (required: number, available: number) =>
    new HttpError("insufficient_credits", INSUFFICIENT_CREDITS_MESSAGE, {
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
