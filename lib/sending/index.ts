export {
  sendEmails,
  toResendPayload,
  type Sender,
  type SendOptions,
  type SendResult,
  type SentEmail,
} from "./pipeline";
export { InsufficientCreditsError, ProviderRejectedError } from "./errors";
export { costOf, distinctRecipients, bareAddress } from "./recipients";
export { sweepUnsettledSends, drainUnsettledSends, startSendSweeper, stopSendSweeper } from "./sweeper";
export { configureSending, getSendingConfig, type SendingConfig } from "./config";
export * from "./status";
