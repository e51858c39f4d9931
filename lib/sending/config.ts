import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/runtime/singleton";

/**
 * Tunables of sending: admission, the dispatcher, coalesced debits and the public API. Defaults suit
 * production; tests and the benchmark override them with configureSending(). RESEND_TIMEOUT_MS,
 * API_RATE_LIMIT_PER_SECOND and RESEND_RATE_LIMIT_PER_SECOND come from the environment (lib/env.ts).
 */
export type SendingConfig = {
  /** How long one call to Resend may take before its outcome is treated as unknown (the SDK has no timeout). */
  providerTimeoutMs: number;
  /** API requests per second per key, unless the key has its own limit. */
  rateLimitPerSecond: number;
  /** Resend calls per second for the whole platform (Resend's limit is per team, across keys and instances). */
  resendRatePerSecond: number;
  /** Emails per Resend batch call (Resend takes at most 100). */
  batchSize: number;
  /** Resend calls one instance's dispatcher may have in flight at once. */
  dispatchConcurrency: number;
  /** How often an idle dispatcher looks for queued sends another instance admitted. */
  dispatchIntervalMs: number;
  /** First retry delay for a call whose outcome is unknown; doubles per attempt up to maxRetryDelayMs. */
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  /** Resend replays an idempotent request for 24 h; a call unresolved this long is left for a person. */
  resolveWithinMs: number;
  /** A Dodo debit is cut for a customer once their oldest unbilled send is this old … */
  debitFlushAfterMs: number;
  /** … or once this many credits are unbilled. */
  debitFlushCredits: number;
  /** How often the debit and credit-sync loops run when idle. */
  billingIntervalMs: number;
  /** How long a client's Idempotency-Key is remembered. */
  idempotencyTtlMs: number;
  /** Refusals re-read Dodo's live balance (at most this often) when nothing is held or waiting to be debited. */
  resyncAfterMs: number;
};

const DEFAULTS: Omit<SendingConfig, "providerTimeoutMs" | "rateLimitPerSecond" | "resendRatePerSecond"> = {
  batchSize: 100,
  dispatchConcurrency: 4,
  dispatchIntervalMs: 250,
  retryBaseDelayMs: 2_000,
  maxRetryDelayMs: 5 * 60_000,
  resolveWithinMs: 23 * 3600_000,
  debitFlushAfterMs: 2_000,
  debitFlushCredits: 1_000,
  billingIntervalMs: 500,
  idempotencyTtlMs: 24 * 3600_000,
  resyncAfterMs: 30_000,
};

const state = processSingleton("sending-config", () => ({ overrides: {} as Partial<SendingConfig> }));

export function getSendingConfig(): SendingConfig {
  const env = getEnv();
  return {
    providerTimeoutMs: env.RESEND_TIMEOUT_MS,
    rateLimitPerSecond: env.API_RATE_LIMIT_PER_SECOND,
    resendRatePerSecond: env.RESEND_RATE_LIMIT_PER_SECOND,
    ...DEFAULTS,
    ...state.overrides,
  };
}

/** Overrides some settings for this process (tests, benchmarks); pass {} to go back to the defaults. */
export function configureSending(next: Partial<SendingConfig>): void {
  state.overrides = { ...next };
}

/** Delay before retry number `attempt` (1-based) of a call whose outcome was unknown. */
export function retryDelayMs(attempt: number, config = getSendingConfig()): number {
  return Math.min(config.retryBaseDelayMs * 2 ** Math.max(0, attempt - 1), config.maxRetryDelayMs);
}

/**
 * A Resend call is leased this long: its timeout plus a margin for the settling transaction. A dispatcher that
 * died is taken over after it, within 15 s with the default 10 s timeout (the dispatch loop looks every 250 ms).
 */
export function deliveryLeaseMs(config = getSendingConfig()): number {
  return config.providerTimeoutMs + 4_000;
}
