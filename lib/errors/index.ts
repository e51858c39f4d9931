/**
 * MailKit's one error model: `HttpError`s named by a code (their status and wire name in ERROR_CODES), the public
 * API's catalogue of them (`apiErrors`), and how any other thrown value maps onto one. Rendering them into a
 * Response is lib/http's job.
 */
export { ERROR_CODES, HttpError, plainErrorBody, publicErrorBody, type ErrorCode } from "./http-error";
export { apiErrors, INSUFFICIENT_CREDITS_MESSAGE, topUpUrl } from "./api-errors";
export { asHttpError, isDatabaseUnavailable } from "./unexpected";
