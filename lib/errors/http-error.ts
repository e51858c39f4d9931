import type { ErrorResponse } from "resend";

/**
 * One error model for every route. Domain code and the edge throw `HttpError`s named by a code; this table gives
 * each code its HTTP status and, for the public API, the `name` Resend would answer (Resend reuses
 * `validation_error` for 400, 403 and 422, so several MailKit codes share that wire name).
 * Two body shapes: Resend's `{ statusCode, name, message }` for the public API, `{ error, message }` elsewhere
 * (lib/http/errors.ts renders them into responses).
 */
type ResendName = ErrorResponse["name"];

export const ERROR_CODES = {
  // Requests that are malformed before their meaning is read.
  invalid_json: { status: 400, name: "validation_error" },
  json_too_deep: { status: 400, name: "validation_error" },
  invalid_idempotency_key: { status: 400 },
  invalid_payload: { status: 400, name: "validation_error" },
  // Who is asking.
  missing_api_key: { status: 401 },
  invalid_api_key: { status: 401 },
  restricted_api_key: { status: 401 },
  unauthorized: { status: 401 },
  invalid_signature: { status: 401 },
  // Money.
  insufficient_credits: { status: 402 },
  // Allowed to ask, not allowed to do.
  cross_site_request: { status: 403 },
  forbidden: { status: 403, name: "validation_error" },
  not_found: { status: 404 },
  method_not_allowed: { status: 405 },
  // State.
  invalid_idempotent_request: { status: 409 },
  concurrent_idempotent_requests: { status: 409 },
  conflict: { status: 409 },
  already_subscribed: { status: 409 },
  no_plan: { status: 409 },
  payload_too_large: { status: 413 },
  // Well-formed but wrong.
  validation_error: { status: 422 },
  missing_required_field: { status: 422 },
  invalid_parameter: { status: 422 },
  invalid_region: { status: 422 },
  recipients_suppressed: { status: 422 },
  rate_limit_exceeded: { status: 429 },
  // Ours or upstream's fault.
  internal_server_error: { status: 500 },
  provider_unavailable: { status: 502, name: "application_error" },
  checkout_failed: { status: 502, name: "application_error" },
  portal_failed: { status: 502, name: "application_error" },
  unavailable: { status: 503, name: "application_error" },
} as const satisfies Record<string, { status: number; name?: ResendName }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields of the body (e.g. the 402's `required`, `available`, `top_up_url`). */
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }

  /** The public API's `name`: Resend's vocabulary. */
  get wireName(): string {
    const entry = ERROR_CODES[this.code];
    return "name" in entry ? entry.name : this.code;
  }
}

/** Resend's error shape, for the public API. */
export function publicErrorBody(error: HttpError): Record<string, unknown> {
  return { statusCode: error.status, name: error.wireName, message: error.message, ...error.extra };
}

/** MailKit's own routes (dashboard, webhooks, billing): `{ error, message }`. */
export function plainErrorBody(error: HttpError): Record<string, unknown> {
  return { error: error.code, message: error.message, ...error.extra };
}
