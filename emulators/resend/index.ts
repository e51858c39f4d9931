import type { IncomingMessage, ServerResponse } from "node:http";

import { LOCAL_DEFAULTS } from "../../lib/env";
import { sleep } from "../shared/faults";
import { matchPath, sendHtml } from "../shared/http";
import type { EmulatorContext, EmulatorModule } from "../shared/types";
import { DEFAULT_RETRY_DELAYS_MS, WebhookDeliverer } from "../shared/webhooks";
import { handleApi } from "./api";
import { DomainRegistry } from "./domains";
import { findMessages, handleControl, type MessageFilter } from "./control";
import { EventScheduler } from "./events";
import { ResendFaultInjector } from "./faults";
import { renderDomains, renderInbox, renderMessage, renderNotFound } from "./inbox-page";
import { RateLimiter } from "./rate-limit";
import { IDEMPOTENCY_TTL_MS, ResendStore } from "./store";
import type { InboxMessage, RateLimitSettings } from "./types";
import { toInboxMessage } from "./view";
import { WebhookRegistry } from "./webhooks";

export type { InboxMessage, RateLimitSettings } from "./types";
export type { ResendFaultInput } from "./faults";

export type ResendEmulatorOptions = {
  /** The full-access key (default: LOCAL_DEFAULTS.resendApiKey). */
  apiKey?: string;
  /** More full-access keys (e.g. to test per-key rate limits). */
  apiKeys?: string[];
  /** Keys that may only send: reads answer 401 restricted_api_key, like Resend's "Sending access" keys. */
  sendingOnlyKeys?: string[];
  /**
   * The endpoint of the webhook a fresh emulator starts with, subscribed to every email and domain event as if
   * configured in Resend's dashboard (default: `${appUrl}/api/webhooks/resend`); null starts with none.
   */
  webhookUrl?: string | null;
  /** That webhook's Svix signing secret, `whsec_<base64>` (default: LOCAL_DEFAULTS.resendWebhookSecret). */
  webhookSecret?: string;
  /** Retry schedule for failed webhook deliveries, in ms (default: Svix's schedule compressed 1000×). */
  webhookRetryDelaysMs?: number[];
  /** Gap between a send and each of its delivery events (default 5 ms). */
  eventDelayMs?: number;
  /** Off by default; Resend's old default of 2 requests per second per key when enabled. */
  rateLimit?: Partial<RateLimitSettings>;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
  /** Refuse sends whose `from` domain is not verified here (403, like Resend). Off by default; see README. */
  enforceVerifiedDomains?: boolean;
  /** Domains that exist already verified (no webhook), e.g. the domain of local mode's EMAIL_FROM. */
  verifiedDomains?: string[];
  /** Delay of the simulated DNS check after a verify request or a publish (default 20 ms). */
  domainCheckDelayMs?: number;
};

export type ResendEmulator = EmulatorModule & {
  /** Captured emails, newest first (filter by exact recipient with `to`, substring with `q`). */
  messages(filter?: MessageFilter): InboxMessage[];
  message(id: string): InboxMessage | undefined;
  /** Before-accept faults by default; `{ afterAccept: true }` stores the email, then faults the response. */
  faults: ResendFaultInjector;
  webhooks: WebhookDeliverer;
  /** The registered webhooks (Resend's Webhooks API). */
  registry: WebhookRegistry;
  setRateLimit(settings: Partial<RateLimitSettings>): RateLimitSettings;
  /** Sender domains: the Domains API's state, plus publish/break of their simulated DNS records. */
  domains: DomainRegistry;
  /** Turns the verified-`from` check on or off (also `POST /_emulator/resend/settings`). */
  setEnforceVerifiedDomains(on: boolean): void;
  /** Sends every scheduled email now (their events follow a few ms apart). Returns how many. */
  sendScheduledNow(): number;
  /** Resolves once no delivery event is due within the next seconds and no webhook is being sent. */
  idle(): Promise<void>;
};

// idle() waits for events due within this horizon; emails scheduled further out are not waited for.
const IDLE_HORIZON_MS = 10_000;

export function createResendEmulator(context: EmulatorContext, options: ResendEmulatorOptions = {}): ResendEmulator {
  const eventDelayMs = options.eventDelayMs ?? 5;
  const store = new ResendStore(context.stateDir, options.idempotencyTtlMs ?? IDEMPOTENCY_TTL_MS);
  const webhooks = new WebhookDeliverer({
    name: "resend",
    stateDir: context.stateDir,
    secret: options.webhookSecret ?? LOCAL_DEFAULTS.resendWebhookSecret,
    headerStyle: "svix",
    idPrefix: "msg_",
    retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
  });
  const registry = new WebhookRegistry({
    store,
    deliverer: webhooks,
    defaultEndpoint: options.webhookUrl === undefined ? `${context.appUrl}/api/webhooks/resend` : options.webhookUrl,
    defaultSecret: options.webhookSecret ?? LOCAL_DEFAULTS.resendWebhookSecret,
  });
  const scheduler = new EventScheduler(store, registry);
  const faults = new ResendFaultInjector();
  const rateLimiter = new RateLimiter(options.rateLimit);
  const hung = new Set<ServerResponse>();
  const fullAccessKeys = new Set([options.apiKey ?? LOCAL_DEFAULTS.resendApiKey, ...(options.apiKeys ?? [])]);
  const sendingOnlyKeys = new Set(options.sendingOnlyKeys ?? []);

  // Events that were due while the emulator was stopped fire now.
  scheduler.resumeAll();

  const domains = new DomainRegistry({
    store,
    webhooks: registry,
    checkDelayMs: options.domainCheckDelayMs ?? 20,
  });
  function applyDomainDefaults(): void {
    if (options.enforceVerifiedDomains !== undefined) store.enforceVerifiedDomains = options.enforceVerifiedDomains;
    for (const name of options.verifiedDomains ?? []) domains.preverify(name);
  }
  applyDomainDefaults();
  domains.resume();

  const apiDeps = {
    store,
    scheduler,
    faults,
    rateLimiter,
    fullAccessKeys,
    sendingOnlyKeys,
    eventDelayMs,
    hung,
    domains,
    webhooks: registry,
  };

  async function reset(): Promise<void> {
    scheduler.clear();
    domains.clear();
    store.reset();
    applyDomainDefaults();
    webhooks.reset();
    faults.clear();
    rateLimiter.reset();
  }

  const controlDeps = {
    store,
    scheduler,
    deliverer: webhooks,
    faults,
    rateLimiter,
    eventDelayMs,
    domains,
    getWebhookUrl: () => registry.preconfiguredEndpoint,
    setWebhookUrl: (url: string | null) => registry.setPreconfiguredEndpoint(url),
    reset,
  };

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const path = url.pathname;
    if (path === "/resend" || path.startsWith("/resend/")) {
      await handleApi(apiDeps, req, res, url, path.slice("/resend".length) || "/");
      return true;
    }
    if (path === "/_emulator/resend" || path.startsWith("/_emulator/resend/")) {
      await handleControl(controlDeps, req, res, url, path.slice("/_emulator/resend".length));
      return true;
    }
    if (req.method === "GET" && (path === "/inbox" || path === "/inbox/")) {
      const q = url.searchParams.get("q") ?? "";
      sendHtml(res, 200, renderInbox(findMessages(store, { q }), { q, total: store.all.length }));
      return true;
    }
    if (req.method === "GET" && path === "/inbox/domains") {
      sendHtml(res, 200, renderDomains(domains.all, store.enforceVerifiedDomains));
      return true;
    }
    const params = req.method === "GET" ? matchPath("/inbox/:id", path) : null;
    if (params) {
      const m = store.get(params.id!);
      const deliveries = new Map(webhooks.deliveries.map((d) => [d.id, d]));
      sendHtml(res, m ? 200 : 404, m ? renderMessage(toInboxMessage(m), deliveries) : renderNotFound(params.id!));
      return true;
    }
    return false;
  }

  return {
    handle,
    reset,
    async close() {
      scheduler.clear();
      domains.clear();
      for (const res of hung) res.destroy();
      hung.clear();
      store.flush();
      webhooks.close();
    },
    messages: (filter) => findMessages(store, filter),
    message: (id) => {
      const m = store.get(id);
      return m ? toInboxMessage(m) : undefined;
    },
    faults,
    webhooks,
    registry,
    domains,
    setEnforceVerifiedDomains: (on) => void (store.enforceVerifiedDomains = on),
    setRateLimit: (settings) => rateLimiter.set(settings),
    sendScheduledNow() {
      const scheduled = store.all.filter((m) => m.last_event === "scheduled");
      for (const m of scheduled) scheduler.runNow(m, eventDelayMs);
      return scheduled.length;
    },
    async idle() {
      for (;;) {
        const next = scheduler.nextDueAt();
        if (next !== undefined && next <= Date.now() + IDLE_HORIZON_MS) {
          await sleep(Math.max(1, Math.min(next - Date.now(), 50)));
          continue;
        }
        if (domains.busy) {
          await sleep(10);
          continue;
        }
        await webhooks.idle();
        if (scheduler.nextDueAt() === next && !domains.busy) return;
      }
    },
  };
}
