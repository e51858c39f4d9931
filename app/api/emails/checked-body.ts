import { ApiError, apiErrors } from "@/lib/api/errors";
import { errorResponse } from "@/lib/api/respond";
import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "@/lib/http/body";

/**
 * The public API's send routes read their body through lib/http/body first (≤ 40 MB while streaming, JSON depth
 * ≤ 64), answering Resend-shaped 413/400 errors; the handler gets the same request with the checked body.
 * A bridge until lib/api/emails.ts calls readJsonBody itself (then these routes call the handlers directly).
 */
export async function withCheckedJsonBody(
  request: Request,
  handler: (request: Request) => Promise<Response>,
): Promise<Response> {
  let body: unknown;
  try {
    body = await readJsonBody(request, { limitBytes: BODY_LIMITS.publicApi });
  } catch (error) {
    if (error instanceof BodyTooLargeError) return errorResponse(apiErrors.payloadTooLarge(error.limitBytes));
    if (error instanceof InvalidJsonError) return errorResponse(new ApiError(400, "validation_error", error.message));
    throw error;
  }
  const headers = new Headers(request.headers);
  headers.delete("content-length");
  return handler(new Request(request.url, { method: request.method, headers, body: JSON.stringify(body) }));
}
