/** An API error answered as Dodo does: `{code, message}` with the real status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const notFound = (message = "Item not found"): ApiError => new ApiError(404, "NOT_FOUND", message);

/** 422 with a message naming the field (the real API answers serde-style "missing field `x`"). */
export const unprocessable = (message: string): ApiError => new ApiError(422, "UNPROCESSABLE_ENTITY", message);

export const badRequest = (code: string, message: string): ApiError => new ApiError(400, code, message);

/** 409 that the SDK must not retry (without the header it retries twice, ~1.5 s). */
export const conflict = (code: string, message: string): ApiError =>
  new ApiError(409, code, message, { "x-should-retry": "false" });
