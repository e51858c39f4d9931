import type { RateLimitSettings } from "./types";

/** Resend's old default (2 requests per second); the docs have since raised it, so it is configurable. */
export const DEFAULT_PER_SECOND = 2;

export type RateLimitDecision = { allowed: boolean; headers: Record<string, string> };

/**
 * A fixed one-second window per API key, answering with the IETF draft headers Resend sends
 * (`ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset`, plus `retry-after` on a 429). Off by default.
 */
export class RateLimiter {
  settings: RateLimitSettings;
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly initial: Partial<RateLimitSettings> = {}) {
    this.settings = this.defaults();
  }

  set(update: Partial<RateLimitSettings>): RateLimitSettings {
    const perSecond = update.perSecond ?? this.settings.perSecond;
    if (!Number.isInteger(perSecond) || perSecond < 1)
      throw new RangeError("rateLimit.perSecond must be a positive integer");
    this.settings = { enabled: update.enabled ?? this.settings.enabled, perSecond };
    this.windows.clear();
    return this.settings;
  }

  /** Counts one request for this key; returns whether it may proceed and the headers to answer with. */
  take(key: string, now = Date.now()): RateLimitDecision {
    if (!this.settings.enabled) return { allowed: true, headers: {} };
    let window = this.windows.get(key);
    if (!window || now - window.start >= 1000) {
      window = { start: now, count: 0 };
      this.windows.set(key, window);
    }
    const limit = this.settings.perSecond;
    const allowed = window.count < limit;
    if (allowed) window.count++;
    const resetSeconds = Math.max(1, Math.ceil((window.start + 1000 - now) / 1000));
    const headers: Record<string, string> = {
      "ratelimit-limit": String(limit),
      "ratelimit-remaining": String(Math.max(0, limit - window.count)),
      "ratelimit-reset": String(resetSeconds),
    };
    if (!allowed) headers["retry-after"] = String(resetSeconds);
    return { allowed, headers };
  }

  reset(): void {
    this.settings = this.defaults();
    this.windows.clear();
  }

  private defaults(): RateLimitSettings {
    return { enabled: this.initial.enabled ?? false, perSecond: this.initial.perSecond ?? DEFAULT_PER_SECOND };
  }
}
