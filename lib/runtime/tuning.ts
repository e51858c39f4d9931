import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/runtime/singleton";

/**
 * The platform's tunables: admission and the public API's rate limit, the dispatcher and the Resend budget,
 * coalesced debits and credit syncs. Defaults suit production; tests and the benchmark override them with
 * configureTuning(). RESEND_TIMEOUT_MS, API_RATE_LIMIT_PER_SECOND and RESEND_RATE_LIMIT_PER_SECOND come from the
 * environment (lib/env).
 */
export type Tuning = {
  /** How long one call to Resend may take before its outcome is treated as unknown (the SDK has no timeout). */
  providerTimeoutMs: number;
  /** API requests per second per key, unless the key has its own limit. */
  rateLimitPerSecond: number;
  /** Resend calls per second for the whole platform (Resend's limit is per team, across keys and instances). */
  resendRatePerSecond: number;
  /** Emails per Resend batch call (Resend takes at most 100). */
  batchSize: number;
  /**
   * Payload bytes per batch call. Resend documents 40 MB per email (attachments after Base64) but no size for a
   * batch request: a batch stays far below, so one call never carries (or times out on) many large emails.
   */
  batchByteBudget: number;
  /** An email larger than this goes in a call of its own, never next to another customer's emails. */
  soloEmailBytes: number;
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

const DEFAULTS: Omit<Tuning, "providerTimeoutMs" | "rateLimitPerSecond" | "resendRatePerSecond"> = {
  batchSize: 100,
  batchByteBudget: 8 * 1024 * 1024,
  soloEmailBytes: 512 * 1024,
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

const state = processSingleton("tuning", () => ({ overrides: {} as Partial<Tuning> }));

export function getTuning(): Tuning {
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
export function configureTuning(next: Partial<Tuning>): void {
  state.overrides = { ...next };
}

/**
 * Interactive transactions of the dispatcher, settling, cancelling and debits. Webhook bursts can hold the
 * connection pool for a moment: these wait for a connection (and run) up to 20 s rather than fail at Prisma's
 * defaults (2 s, 5 s).
 */
export const TX_OPTIONS = { maxWait: 20_000, timeout: 20_000 };
