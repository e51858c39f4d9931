import type { IncomingMessage, ServerResponse } from "node:http";

import type { CreditLedgerEntry } from "dodopayments/resources/credit-entitlements/balances";
import type { Subscription } from "dodopayments/resources/subscriptions";

import { LOCAL_DEFAULTS } from "../../lib/env";
import { renderAdminPage } from "../admin";
import { FaultInjector, sleep } from "../shared/faults";
import { matchPath, readBody, sendHtml, sendJson } from "../shared/http";
import type { EmulatorContext, EmulatorModule } from "../shared/types";
import { WebhookDeliverer, type Delivery } from "../shared/webhooks";
import { AmountError, parseAmount } from "./amounts";
import { API_ROUTES, type ApiResponse } from "./api";
import {
  completeCheckout,
  renewSubscription,
  subscriptionOr404,
  TEST_CARDS,
  type CheckoutOutcome,
  type CompleteInput,
} from "./billing";
import { handleCheckoutPage } from "./checkout-page";
import { handleControl } from "./control";
import { adjustBalance, expireAllDue } from "./credits";
import { DodoEngine } from "./engine";
import { ApiError, notFound } from "./errors";
import { handlePortalPage } from "./portal-page";
import { handleReceiptPage } from "./receipt-page";
import type { DodoSettings } from "./settings";
import { toLedgerEntry, toSubscription } from "./shapes";
import { newId } from "./state";

export type { DodoSettings } from "./settings";
export type { CheckoutOutcome } from "./billing";
export { TEST_CARDS } from "./billing";

export type DodoEmulatorOptions = {
  /** The bearer token the API accepts (default: the app's local dev key, `dodo_local_emulator_key`). */
  apiKey?: string;
  /** whsec_… secret that signs webhooks (default: LOCAL_DEFAULTS.dodoWebhookKey). */
  webhookSecret?: string;
  /** Where webhooks go (default: `${appUrl}/api/webhooks/dodo`). */
  webhookUrl?: string;
  /** Delays before each webhook retry, in ms (default: Dodo's schedule compressed 1000×). */
  webhookRetryDelaysMs?: number[];
  /** Per-attempt webhook timeout (default 15 s, as Dodo). */
  webhookTimeoutMs?: number;
  /** Initial values of the switches for the unconfirmed points (see settings.ts / README). */
  settings?: Partial<DodoSettings>;
  businessId?: string;
  brandId?: string;
  /** How often grants are checked for expiry in the background (default 30 s; 0 = only on access). */
  expirySweepMs?: number;
};

export type DodoEmulator = EmulatorModule & {
  /** The SDK's baseURL: `${publicUrl}/dodo`. */
  readonly baseUrl: string;
  readonly faults: FaultInjector;
  readonly webhooks: WebhookDeliverer;
  /** The current switches (read-only; change them with updateSettings). */
  readonly settings: DodoSettings;
  readonly engine: DodoEngine;
  updateSettings(patch: Partial<DodoSettings>): DodoSettings;
  /** Pays a checkout as the hosted page would; the card defaults to the success test card. */
  completeCheckout(sessionId: string, input?: Partial<CompleteInput>): CheckoutOutcome;
  /** Moves the clock to the next billing date and renews (or fails, or cancels at period end). */
  advanceRenewal(subscriptionId: string): Subscription;
  /** Makes the next renewal charge of this subscription fail (→ on_hold). */
  failNextRenewal(subscriptionId: string, fail?: boolean): void;
  /** A dashboard adjustment: positive grants, negative deducts (`manual_adjustment`). */
  adjustBalance(
    customerId: string,
    entitlementId: string,
    signedAmount: string | number | bigint,
    reason?: string,
  ): CreditLedgerEntry;
  /** Moves the emulator clock forward, running the renewals and expiries that fall due. Returns the new time. */
  advanceClock(ms: number): string;
  now(): Date;
  /** A customer portal link (what POST /customers/{id}/customer-portal/session returns). */
  createPortalLink(customerId: string, returnUrl?: string): string;
  /** Holds new webhooks until resumeWebhooks (to reorder them). */
  pauseWebhooks(): void;
  /** Sends the held webhooks: in arrival order, reversed, or in the given order of webhook ids. */
  resumeWebhooks(order?: "arrival" | "reverse" | string[]): void;
  /** Sends a delivered (or failed) webhook again with the same webhook-id, `times` times at once. */
  redeliverWebhook(id: string, times?: number): Delivery;
  /** Waits for webhook deliveries in flight (and, with retries, scheduled retries). */
  idle(options?: { retries?: boolean }): Promise<void>;
};

export function createDodoEmulator(context: EmulatorContext, options: DodoEmulatorOptions = {}): DodoEmulator {
  const apiKey = options.apiKey ?? LOCAL_DEFAULTS.dodoApiKey;
  const authorization = `Bearer ${apiKey}`;
  const webhooks = new WebhookDeliverer({
    name: "dodo",
    stateDir: context.stateDir,
    secret: options.webhookSecret ?? LOCAL_DEFAULTS.dodoWebhookKey,
    headerStyle: "webhook",
    idPrefix: "msg_",
    retryDelaysMs: options.webhookRetryDelaysMs,
    timeoutMs: options.webhookTimeoutMs,
  });
  const engine = new DodoEngine(
    {
      stateDir: context.stateDir,
      publicUrl: context.publicUrl,
      webhookUrl: options.webhookUrl ?? `${context.appUrl}/api/webhooks/dodo`,
      businessId: options.businessId ?? "bus_emulatorLocalBusiness",
      brandId: options.brandId ?? "bus_emulatorLocalBusiness",
      settings: options.settings ?? {},
    },
    webhooks,
  );
  const faults = new FaultInjector();
  const hanging = new Set<ServerResponse>();

  // Expiries also happen without anyone reading the balance (credit.expired reaches the app on time).
  const sweepMs = options.expirySweepMs ?? 30_000;
  const sweep = sweepMs > 0 ? setInterval(() => expireAllDue(engine), sweepMs) : undefined;
  sweep?.unref();

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname.slice("/dodo".length) || "/";
    const method = req.method ?? "GET";
    const fault = faults.take(method, path);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.hang) {
      hanging.add(res);
      res.on("close", () => hanging.delete(res));
      return; // never answer: the client times out
    }
    const faultAnswer = (status: number) =>
      sendJson(
        res,
        status,
        fault.body ?? {
          code: status >= 500 ? "INTERNAL_SERVER_ERROR" : "FAULT_INJECTED",
          message: `Injected fault (${status})`,
        },
      );
    if (fault.status !== undefined && !fault.afterHandling) return faultAnswer(fault.status);
    // Like the real API: 401 with no body for a missing or wrong key.
    if (req.headers.authorization !== authorization) {
      res.writeHead(401, { "content-length": "0" });
      return void res.end();
    }
    const answer = await dispatch(req, method, path, url.searchParams);
    if (fault.status !== undefined) return faultAnswer(fault.status); // handled, but the answer is "lost"
    if (answer.body === undefined) {
      res.writeHead(answer.status, { "content-length": "0", ...answer.headers });
      return void res.end();
    }
    sendJson(res, answer.status, answer.body, answer.headers);
  }

  async function dispatch(
    req: IncomingMessage,
    method: string,
    path: string,
    query: URLSearchParams,
  ): Promise<ApiResponse> {
    let allowed = false;
    for (const route of API_ROUTES) {
      const params = matchPath(route.pattern, path);
      if (!params) continue;
      if (route.method !== method) {
        allowed = true;
        continue;
      }
      let body: unknown;
      if (method === "POST" || method === "PATCH" || method === "PUT") {
        const text = await readBody(req);
        try {
          body = text.trim() === "" ? undefined : JSON.parse(text);
        } catch (error) {
          return {
            status: 400,
            body: {
              code: "INVALID_REQUEST_BODY",
              message: `Failed to parse the request body as JSON: ${(error as Error).message}`,
            },
          };
        }
      }
      try {
        return route.handler({ engine, params, query, body });
      } catch (error) {
        if (error instanceof ApiError)
          return { status: error.status, body: { code: error.code, message: error.message }, headers: error.headers };
        if (error instanceof AmountError)
          return { status: 422, body: { code: "UNPROCESSABLE_ENTITY", message: error.message } };
        throw error;
      }
    }
    if (allowed)
      return { status: 405, body: { code: "METHOD_NOT_ALLOWED", message: `${method} is not allowed on ${path}` } };
    return { status: 404, body: { code: "NOT_FOUND", message: `No route for ${method} ${path}` } };
  }

  const emulator: DodoEmulator = {
    baseUrl: `${context.publicUrl}/dodo`,
    faults,
    webhooks,
    engine,
    get settings() {
      return engine.settings;
    },
    updateSettings: (patch) => engine.updateSettings(patch),

    async handle(req, res, url) {
      const path = url.pathname;
      if (path === "/dodo" || path.startsWith("/dodo/")) {
        await handleApi(req, res, url);
        return true;
      }
      const checkout = matchPath("/checkout/session/:id", path);
      if (checkout) {
        await handleCheckoutPage(engine, req, res, checkout.id!);
        return true;
      }
      if (path.startsWith("/portal/")) return handlePortalPage(engine, req, res, path);
      const receipt = matchPath("/invoices/payments/:id", path);
      if (receipt && req.method === "GET") return handleReceiptPage(engine, res, receipt.id!);
      if (path === "/_emulator/dodo" || path.startsWith("/_emulator/dodo/"))
        return handleControl(emulator, req, res, url);
      if (path === "/" && req.method === "GET") {
        sendHtml(res, 200, renderAdminPage(emulator));
        return true;
      }
      return false;
    },

    async reset() {
      webhooks.reset();
      faults.clear();
      engine.reset();
    },

    async close() {
      if (sweep) clearInterval(sweep);
      for (const res of hanging) res.destroy();
      webhooks.close();
      engine.flush();
    },

    completeCheckout: (sessionId, input = {}) =>
      completeCheckout(engine, sessionId, { card: TEST_CARDS.success, ...input }),

    advanceRenewal: (subscriptionId) => toSubscription(engine, renewSubscription(engine, subscriptionId)),

    failNextRenewal(subscriptionId, fail = true) {
      subscriptionOr404(engine, subscriptionId).fail_next_renewal = fail;
      engine.save();
    },

    adjustBalance(customerId, entitlementId, signedAmount, reason) {
      const e = engine.state.entitlements[entitlementId];
      if (!e) throw notFound("Credit entitlement not found");
      if (!engine.state.customers[customerId]) throw notFound("Customer not found");
      const text = String(signedAmount).trim();
      const negative = text.startsWith("-");
      const amount = parseAmount(text.replace(/^[-+]/, ""), e.precision);
      return toLedgerEntry(adjustBalance(engine, e, customerId, negative ? -amount : amount, reason ?? null));
    },

    advanceClock(ms) {
      engine.advanceTo(new Date(engine.nowMs() + ms).toISOString());
      // Renew whatever fell due, oldest due date first, until nothing is due.
      for (let guard = 0; guard < 10_000; guard++) {
        const due = Object.values(engine.state.subscriptions)
          .filter((s) => s.status === "active" && Date.parse(s.next_billing_date) <= engine.nowMs())
          .sort((a, b) => Date.parse(a.next_billing_date) - Date.parse(b.next_billing_date))[0];
        if (!due) break;
        renewSubscription(engine, due.subscription_id);
      }
      expireAllDue(engine);
      return engine.nowIso();
    },

    now: () => new Date(engine.nowMs()),

    createPortalLink(customerId, returnUrl) {
      if (!engine.state.customers[customerId]) throw notFound("Customer not found");
      const token = newId("ptl_");
      engine.state.portalSessions[token] = {
        customer_id: customerId,
        return_url: returnUrl ?? null,
        created_at: engine.nowIso(),
        expires_at: new Date(engine.nowMs() + 24 * 3600_000).toISOString(),
      };
      engine.save();
      return `${context.publicUrl}/portal/${token}`;
    },

    pauseWebhooks() {
      webhooks.paused = true;
    },

    resumeWebhooks(order = "arrival") {
      const held = webhooks.heldDeliveries.map((d) => d.id);
      webhooks.resume(order === "arrival" ? held : order === "reverse" ? held.reverse() : order);
    },

    redeliverWebhook(id, times = 1) {
      let delivery: Delivery | undefined;
      for (let i = 0; i < Math.max(1, times); i++) delivery = webhooks.redeliver(id);
      if (!delivery) throw notFound(`Webhook ${id} not found`);
      return delivery;
    },

    idle: (opts) => webhooks.idle(opts),
  };
  return emulator;
}
