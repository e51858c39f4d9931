import { getEnv } from "@/lib/env";

/**
 * Tunables of the send pipeline, the sweeper and the public API. Defaults suit production; tests and the
 * benchmark override them with configureSending(). RESEND_TIMEOUT_MS and API_RATE_LIMIT_PER_SECOND come
 * from the environment (lib/env.ts).
 */
export type SendingConfig = {
  /** How long one call to Resend may take before its outcome is treated as unknown (the SDK has no timeout). */
  providerTimeoutMs: number;
  /** API requests per second per key, unless the key has its own limit. */
  rateLimitPerSecond: number;
  /** How often each instance looks for sends whose outcome is unknown. */
  sweepIntervalMs: number;
  /** First retry delay for an unknown outcome; doubles per attempt up to maxRetryDelayMs. */
  retryBaseDelayMs: number;
  maxRetryDelayMs: number;
  /**
   * A send still "queued" this long after it was admitted lost its request (a crash between the hold and the
   * outcome); the sweeper takes it over. Must exceed providerTimeoutMs by a margin.
   */
  abandonedAfterMs: number;
  /** Resend replays an idempotent request for 24 h; the sweeper stops retrying safely before that. */
  resolveWithinMs: number;
  /** How long a client's Idempotency-Key is remembered. */
  idempotencyTtlMs: number;
  /** Refusals re-read Dodo's live balance (at most this often) when nothing is held or waiting to be debited. */
  resyncAfterMs: number;
};

const DEFAULTS: Omit<SendingConfig, "providerTimeoutMs" | "rateLimitPerSecond"> = {
  sweepIntervalMs: 5_000,
  retryBaseDelayMs: 2_000,
  maxRetryDelayMs: 5 * 60_000,
  abandonedAfterMs: 60_000,
  resolveWithinMs: 23 * 3600_000,
  idempotencyTtlMs: 24 * 3600_000,
  resyncAfterMs: 30_000,
};

const globalForConfig = globalThis as unknown as { __mailkitSendingConfig?: Partial<SendingConfig> };

export function getSendingConfig(): SendingConfig {
  const env = getEnv();
  return {
    providerTimeoutMs: env.RESEND_TIMEOUT_MS,
    rateLimitPerSecond: env.API_RATE_LIMIT_PER_SECOND,
    ...DEFAULTS,
    ...globalForConfig.__mailkitSendingConfig,
  };
}

/** Overrides some settings for this process (tests, benchmarks); pass {} to go back to the defaults. */
export function configureSending(overrides: Partial<SendingConfig>): void {
  globalForConfig.__mailkitSendingConfig = { ...overrides };
}

/** Delay before retry number `attempt` (1-based) of an unknown outcome. */
export function retryDelayMs(attempt: number, config = getSendingConfig()): number {
  return Math.min(config.retryBaseDelayMs * 2 ** Math.max(0, attempt - 1), config.maxRetryDelayMs);
}
