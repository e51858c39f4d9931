import type { ErrorResponse } from "resend";

import { getEnv } from "@/lib/env";
import type { ValidationFailure } from "@/lib/validations/email";

/**
 * Errors of the public API in Resend's shape `{ statusCode, name, message }`, plus MailKit fields where they
 * help (the 402 says what is needed and where to top up). Route handlers throw these; lib/api/respond.ts
 * writes them.
 */

export type ApiErrorName =
  ErrorResponse["name"] | "insufficient_credits" | "payload_too_large" | "recipients_suppressed";

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorName,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return { statusCode: this.statusCode, name: this.code, message: this.message, ...this.extra };
  }
}

export const INSUFFICIENT_CREDITS_MESSAGE = "No email credits remaining. Buy a top-up pack or upgrade your plan.";

export function topUpUrl(): string {
  return `${getEnv().APP_URL.replace(/\/$/, "")}/dashboard/billing`;
}

export const apiErrors = {
  missingApiKey: () =>
    new ApiError(
      401,
      "missing_api_key",
      "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer mk_...",
    ),
  invalidApiKey: () => new ApiError(401, "invalid_api_key", "API key is invalid or has been revoked"),
  restrictedApiKey: () => new ApiError(401, "restricted_api_key", "This API key is restricted to only send emails"),
  rateLimited: (headers: Record<string, string>) =>
    new ApiError(
      429,
      "rate_limit_exceeded",
      "Too many requests. Please limit the number of requests per second.",
      {},
      headers,
    ),
  invalidJson: () => new ApiError(400, "validation_error", "The request body is not valid JSON."),
  payloadTooLarge: (limitBytes: number) =>
    new ApiError(
      413,
      "payload_too_large",
      `The request body is larger than ${Math.round(limitBytes / 1024 / 1024)} MB.`,
    ),
  validation: (failure: ValidationFailure) => new ApiError(422, failure.name, failure.message),
  invalidParameter: (message: string) => new ApiError(422, "invalid_parameter", message),
  invalidIdempotencyKey: () =>
    new ApiError(
      400,
      "invalid_idempotency_key",
      "Idempotency keys, if present, must have between 1 and 256 characters.",
    ),
  idempotencyMismatch: () =>
    new ApiError(
      409,
      "invalid_idempotent_request",
      "This idempotency key has been used with this endpoint within the last 24 hours, but the request body was modified and doesn't match the original request.",
    ),
  idempotencyInFlight: () =>
    new ApiError(
      409,
      "concurrent_idempotent_requests",
      "There is another request in progress with the same idempotency key.",
    ),
  notFound: (what = "Email not found") => new ApiError(404, "not_found", what),
  methodNotAllowed: () => new ApiError(405, "method_not_allowed", "Method is not allowed for the requested path."),
  insufficientCredits: (required: number, available: number) =>
    new ApiError(402, "insufficient_credits", INSUFFICIENT_CREDITS_MESSAGE, {
      required,
      available,
      top_up_url: topUpUrl(),
    }),
  /** Every `to` recipient of an email is on the customer's suppression list (lib/suppressions). */
  recipientsSuppressed: (message: string, suppressed: string[], index: number | null) =>
    new ApiError(422, "recipients_suppressed", message, { suppressed, ...(index === null ? {} : { index }) }),
  internal: () =>
    new ApiError(
      500,
      "internal_server_error",
      "An unexpected error occurred. Retry with the same Idempotency-Key to get the original result without sending twice.",
    ),
};
