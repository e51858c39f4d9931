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
  /** One attempt may take this long (connect + response). */
  timeoutMs: number;
  /** An endpoint is disabled after this many consecutive failed attempts … */
  disableAfterFailures: number;
  /** … or after failing (no success in between) for this long. */
  disableAfterMs: number;
  /** How long a claimed delivery is leased to one instance (longer than timeoutMs). */
  leaseMs: number;
  /** Deliveries claimed per pass of the loop. */
  batchSize: number;
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
    timeoutMs: 15_000,
    disableAfterFailures: 200,
    disableAfterMs: 24 * HOUR,
    leaseMs: 30_000,
    batchSize: 20,
    allowLoopback: env.resendLocal && env.dodoLocal,
    resolve: defaultResolve,
    ...overrides,
  };
}

/** Replaces the overrides (an empty object restores the defaults). */
export function configureWebhooks(config: Partial<WebhookConfig>): void {
  overrides = { ...config };
}
