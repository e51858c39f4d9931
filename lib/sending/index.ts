export {
  sendEmails,
  toResendPayload,
  type Sender,
  type SendOptions,
  type SendResult,
  type SentEmail,
} from "./pipeline";
export { IdempotencyConflictError, InsufficientCreditsError } from "./errors";
export { costOf, distinctRecipients, bareAddress } from "./recipients";
export { DISPATCHER_LOOP, dispatchOne, dispatchPass, drainDispatcher } from "./dispatcher";
export { configureSending, getSendingConfig, type SendingConfig } from "./config";
export * from "./status";
