import { DomainError } from "@/lib/domains/errors";
import { InsufficientCreditsError } from "@/lib/sending/errors";

import { ApiError, apiErrors } from "./errors";

/** Turning results and errors into HTTP responses for the public API. */

export type ApiResult = { status: number; body: Record<string, unknown> };

export const CREDITS_CHARGED_HEADER = "x-mailkit-credits-charged";
export const CREDITS_REMAINING_HEADER = "x-mailkit-credits-remaining";

export function jsonResponse(result: ApiResult, headers: Record<string, string> = {}): Response {
  const all: Record<string, string> = { ...headers };
  // The credit figures also travel as headers, for SDKs that only surface `data`.
  if (typeof result.body.credits_charged === "number")
    all[CREDITS_CHARGED_HEADER] = String(result.body.credits_charged);
  if (typeof result.body.credits_remaining === "number")
    all[CREDITS_REMAINING_HEADER] = String(result.body.credits_remaining);
  return Response.json(result.body, { status: result.status, headers: all });
}

/** Any error → Resend's error shape. Unexpected errors are logged and answered 500 without details. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof InsufficientCreditsError) return apiErrors.insufficientCredits(error.required, error.available);
  if (error instanceof DomainError) return new ApiError(error.statusCode, error.code, error.message);
  console.error("[api]", error);
  return apiErrors.internal();
}

export function errorResponse(error: unknown, headers: Record<string, string> = {}): Response {
  const apiError = toApiError(error);
  return Response.json(apiError.toBody(), {
    status: apiError.statusCode,
    headers: { ...headers, ...apiError.headers },
  });
}
