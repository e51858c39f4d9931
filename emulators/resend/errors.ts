import type { ErrorResponse } from "resend";

/** A response the API layer writes: handlers return these instead of writing, so faults can wrap them. */
export type ApiResult = { status: number; body: unknown; headers?: Record<string, string> };

export type ResendErrorName = ErrorResponse["name"];

/** Resend's error shape `{ statusCode, name, message }`, typed by the SDK. */
export function resendError(status: number, name: ResendErrorName, message: string): ApiResult {
  const body: ErrorResponse = { statusCode: status, name, message };
  return { status, body };
}

export const errors = {
  missingApiKey: () =>
    resendError(
      401,
      "missing_api_key",
      "Missing API key in the authorization header. Include the following header in the request: Authorization: Bearer YOUR_API_KEY",
    ),
  invalidApiKey: () => resendError(403, "invalid_api_key", "API key is invalid"),
  restrictedApiKey: () => resendError(401, "restricted_api_key", "This API key is restricted to only send emails"),
  notFound: (what = "The requested endpoint does not exist.") => resendError(404, "not_found", what),
  methodNotAllowed: () => resendError(405, "method_not_allowed", "Method is not allowed for the requested path."),
  invalidJson: () => resendError(400, "validation_error", "The request body is not valid JSON."),
  missingField: (field: string, where = "") =>
    resendError(422, "missing_required_field", `${where}Missing \`${field}\` field.`),
  validation: (message: string) => resendError(422, "validation_error", message),
  invalidIdempotencyKey: () =>
    resendError(
      400,
      "invalid_idempotency_key",
      "Idempotency keys, if present, must have between 1 and 256 characters.",
    ),
  // Resend's documented name for "same key, different body" is invalid_idempotent_request (409).
  idempotencyMismatch: () =>
    resendError(
      409,
      "invalid_idempotent_request",
      "This idempotency key has been used with this HTTP method and endpoint within the last 24 hours, but the request body was modified and doesn't match the original request.",
    ),
  idempotencyInFlight: () =>
    resendError(
      409,
      "concurrent_idempotent_requests",
      "There is another request in progress with the same idempotency key.",
    ),
  rateLimited: () =>
    resendError(
      429,
      "rate_limit_exceeded",
      "Too many requests. Please limit the number of requests per second. Or contact support to increase rate limit.",
    ),
};

/** The body an injected fault answers with when the fault gives none. */
export function faultBody(status: number): ErrorResponse {
  if (status === 429) return errors.rateLimited().body as ErrorResponse;
  if (status >= 500)
    return {
      statusCode: status,
      name: "application_error",
      message: "An unexpected error occurred (injected by the emulator).",
    };
  return { statusCode: status, name: "validation_error", message: `Injected fault: HTTP ${status}.` };
}
