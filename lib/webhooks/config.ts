import { lookup as dnsLookup } from "node:dns/promises";

import { getEnv } from "@/lib/env";

/**
 * Tuning of customer webhook delivery. Tests shorten the schedule and swap the DNS resolver
 * (`configureWebhooks`); production uses the defaults.
 */

export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export type WebhookConfig = {
  /** Delay before attempt n+1 after n failed attempts; the delivery fails for good when it runs out (~28 h). */
  retryDelaysMs: number[];
  /** A first attempt may take this long (connect + response): a dead endpoint holds its slot only briefly … */
  firstAttemptTimeoutMs: number;
  /** … and a retry this long. */
  timeoutMs: number;
  /**
   * An endpoint is disabled once it has failed continuously (no 2xx in between) for this long. Shorter than the
   * retry schedule, so its events are all still pending when it is disabled, and they resume when it is enabled.
   */
  disableAfterMs: number;
  /** A failing endpoint waits a second per consecutive failure, up to this, before its next attempt. */
  failingPauseMaxMs: number;
  /** How long a claimed delivery is leased to one instance (longer than timeoutMs). */
  leaseMs: number;
  /** Deliveries one instance attempts at once (its worker pool). */
  concurrency: number;
  /** Deliveries in flight to one endpoint at once, across all instances: a slow endpoint holds only this many. */
  maxInFlightPerEndpoint: number;
  /** http:// and loopback targets (local mode only: no real Dodo or Resend keys). */
  allowLoopback: boolean;
  resolve: ResolveHost;
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export const DEFAULT_RETRY_DELAYS_MS = [5_000, 30_000, 2 * MINUTE, 10 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR];

const defaultResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: false });

let overrides: Partial<WebhookConfig> = {};

export function getWebhookConfig(): WebhookConfig {
  const env = getEnv();
  return {
    retryDelaysMs: DEFAULT_RETRY_DELAYS_MS,
    firstAttemptTimeoutMs: 5_000,
    timeoutMs: 15_000,
    disableAfterMs: 24 * HOUR,
    leaseMs: 30_000,
    concurrency: 32,
    maxInFlightPerEndpoint: 4,
    failingPauseMaxMs: 30_000,
    allowLoopback: env.resendLocal && env.dodoLocal,
    resolve: defaultResolve,
    ...overrides,
  };
}

/** Replaces the overrides (an empty object restores the defaults). */
export function configureWebhooks(config: Partial<WebhookConfig>): void {
  overrides = { ...config };
}
