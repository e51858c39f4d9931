export {
  sendEmails,
  toResendPayload,
  type Sender,
  type SendOptions,
  type SendResult,
  type SentEmail,
} from "./pipeline";
export { IdempotencyConflictError, InsufficientCreditsError } from "./errors";
export { DISPATCHER_LOOP, dispatchOne, dispatchPass, drainDispatcher } from "./dispatcher";
