import type { IncomingMessage, ServerResponse } from "node:http";

import { z } from "zod";

import { matchPath, readBody, sendJson } from "../shared/http";
import { AmountError } from "./amounts";
import { updateSubscription } from "./billing";
import { balanceOf } from "./credits";
import { createRefund } from "./refunds";
import { declineSavedCharges } from "./saved-methods";
import { ApiError } from "./errors";
import type { DodoEmulator } from "./index";
import { settingsPatchSchema } from "./settings";
import { toSubscription } from "./shapes";

/**
 * The control plane under `/_emulator/dodo/...` (not part of Dodo): drive checkouts, renewals, balances,
 * webhooks, faults, the clock and the settings from tests or the admin page. JSON in, JSON out.
 * Every route is listed in emulators/dodo/README.md.
 */
type Handler = (emulator: DodoEmulator, params: Record<string, string>, body: unknown, url: URL) => unknown;

const faultSchema = z
  .object({
    method: z.string().optional(),
    pathPrefix: z.string().optional(),
    latencyMs: z.number().min(0).optional(),
    status: z.number().int().min(100).max(599).optional(),
    body: z.unknown().optional(),
    hang: z.boolean().optional(),
    count: z.number().int().min(1).optional(),
    durationMs: z.number().min(0).optional(),
  })
  .strict();

const parse = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  throw new ApiError(422, "UNPROCESSABLE_ENTITY", `${issue.path.join(".") || "body"}: ${issue.message}`);
};

function customers(emulator: DodoEmulator) {
  const state = emulator.engine.state;
  return Object.values(state.customers)
    .reverse()
    .map((c) => ({
      ...c,
      balances: Object.values(state.entitlements).flatMap((e) => {
        const b = balanceOf(emulator.engine, e.id, c.customer_id);
        return b
          ? [{ credit_entitlement_id: e.id, name: e.name, unit: e.unit, balance: b.balance, overage: b.overage }]
          : [];
      }),
      subscription_ids: Object.values(state.subscriptions)
        .filter((s) => s.customer_id === c.customer_id)
        .map((s) => s.subscription_id),
    }));
}

const ROUTES: Array<{ method: string; pattern: string; handler: Handler }> = [
  {
    method: "GET",
    pattern: "/state",
    handler: (e) => ({
      now: e.now().toISOString(),
      clock_offset_ms: e.engine.state.clockOffsetMs,
      settings: e.settings,
      webhooks_paused: e.webhooks.paused,
      counts: Object.fromEntries(
        ["entitlements", "products", "customers", "checkouts", "payments", "subscriptions"].map((k) => [
          k,
          Object.keys(e.engine.state[k as "customers"]).length,
        ]),
      ),
    }),
  },
  { method: "GET", pattern: "/customers", handler: (e) => ({ items: customers(e) }) },
  {
    method: "POST",
    pattern: "/customers/:id/portal",
    handler: (e, p, b) => ({
      link: e.createPortalLink(p.id!, parse(z.object({ return_url: z.string().optional() }), b).return_url),
    }),
  },
  {
    method: "GET",
    pattern: "/subscriptions",
    handler: (e) => ({
      items: Object.values(e.engine.state.subscriptions)
        .reverse()
        .map((s) => ({ ...toSubscription(e.engine, s), fail_next_renewal: s.fail_next_renewal })),
    }),
  },
  { method: "POST", pattern: "/subscriptions/:id/renew", handler: (e, p) => e.advanceRenewal(p.id!) },
  {
    method: "POST",
    pattern: "/subscriptions/:id/fail-next-renewal",
    handler: (e, p, b) => {
      const { fail } = parse(z.object({ fail: z.boolean().default(true) }), b);
      e.failNextRenewal(p.id!, fail);
      return { subscription_id: p.id, fail_next_renewal: fail };
    },
  },
  {
    method: "POST",
    pattern: "/subscriptions/:id/cancel",
    handler: (e, p, b) => {
      const { at_period_end } = parse(z.object({ at_period_end: z.boolean().default(false) }), b);
      return updateSubscription(
        e.engine,
        p.id!,
        at_period_end ? { cancel_at_next_billing_date: true } : { status: "cancelled" },
      );
    },
  },
  {
    // The customer's next `count` charges on a saved payment method are declined (auto top-up tests).
    method: "POST",
    pattern: "/customers/:id/decline-saved-charges",
    handler: (e, p, b) =>
      declineSavedCharges(e.engine, p.id!, parse(z.object({ count: z.number().int().min(0).max(100) }), b).count),
  },
  {
    // A refund made in Dodo's dashboard.
    method: "POST",
    pattern: "/payments/:id/refund",
    handler: (e, p, b) => {
      const body = parse(
        z.object({ reason: z.string().max(3000).optional(), amount: z.number().int().positive().optional() }),
        b ?? {},
      );
      return createRefund(e.engine, {
        payment_id: p.id!,
        reason: body.reason ?? null,
        items: body.amount ? [{ item_id: p.id!, amount: body.amount }] : null,
      });
    },
  },
  {
    method: "GET",
    pattern: "/checkouts",
    handler: (e) => ({ items: Object.values(e.engine.state.checkouts).reverse() }),
  },
  {
    method: "POST",
    pattern: "/checkouts/:id/complete",
    handler: (e, p, b) =>
      e.completeCheckout(
        p.id!,
        parse(z.object({ card: z.string().optional(), email: z.string().optional(), name: z.string().optional() }), b),
      ),
  },
  {
    method: "POST",
    pattern: "/balances/adjust",
    handler: (e, _p, b) => {
      const body = parse(
        z.object({
          customer_id: z.string(),
          credit_entitlement_id: z.string(),
          amount: z.union([z.string(), z.number()]),
          reason: z.string().optional(),
        }),
        b,
      );
      return e.adjustBalance(body.customer_id, body.credit_entitlement_id, body.amount, body.reason);
    },
  },
  {
    method: "GET",
    pattern: "/clock",
    handler: (e) => ({ now: e.now().toISOString(), offset_ms: e.engine.state.clockOffsetMs }),
  },
  {
    method: "POST",
    pattern: "/clock/advance",
    handler: (e, _p, b) => {
      const {
        days = 0,
        hours = 0,
        ms = 0,
      } = parse(
        z.object({
          days: z.number().min(0).optional(),
          hours: z.number().min(0).optional(),
          ms: z.number().min(0).optional(),
        }),
        b,
      );
      return { now: e.advanceClock(days * 86_400_000 + hours * 3_600_000 + ms) };
    },
  },
  {
    method: "GET",
    pattern: "/webhooks",
    handler: (e, _p, _b, url) => {
      const type = url.searchParams.get("type");
      const state = url.searchParams.get("state");
      const items = e.webhooks.deliveries
        .filter((d) => (!type || d.type === type) && (!state || d.state === state))
        .slice()
        .reverse();
      return { paused: e.webhooks.paused, held: e.webhooks.heldDeliveries.map((d) => d.id), items };
    },
  },
  { method: "POST", pattern: "/webhooks/pause", handler: (e) => (e.pauseWebhooks(), { paused: true }) },
  {
    method: "POST",
    pattern: "/webhooks/resume",
    handler: (e, _p, b) => {
      const { order } = parse(
        z.object({ order: z.union([z.enum(["arrival", "reverse"]), z.array(z.string())]).optional() }),
        b,
      );
      const held = e.webhooks.heldDeliveries.length;
      e.resumeWebhooks(order);
      return { paused: false, sent: held };
    },
  },
  { method: "POST", pattern: "/webhooks/:id/redeliver", handler: (e, p) => e.redeliverWebhook(p.id!) },
  {
    method: "POST",
    pattern: "/webhooks/:id/duplicate",
    handler: (e, p, b) =>
      e.redeliverWebhook(p.id!, parse(z.object({ times: z.number().int().min(1).max(20).default(2) }), b).times),
  },
  {
    method: "GET",
    pattern: "/faults",
    handler: (e) => ({ latency_ms: e.faults.baseLatencyMs, items: e.faults.list() }),
  },
  { method: "POST", pattern: "/faults", handler: (e, _p, b) => e.faults.add(parse(faultSchema, b)) },
  { method: "DELETE", pattern: "/faults", handler: (e) => (e.faults.clear(), { cleared: true }) },
  {
    method: "DELETE",
    pattern: "/faults/:id",
    handler: (e, p) => {
      if (!e.faults.remove(Number(p.id))) throw new ApiError(404, "NOT_FOUND", `Fault ${p.id} not found`);
      return { removed: Number(p.id) };
    },
  },
  {
    method: "PUT",
    pattern: "/latency",
    handler: (e, _p, b) => {
      e.faults.baseLatencyMs = parse(z.object({ ms: z.number().min(0) }), b).ms;
      return { latency_ms: e.faults.baseLatencyMs };
    },
  },
  { method: "GET", pattern: "/settings", handler: (e) => e.settings },
  { method: "PATCH", pattern: "/settings", handler: (e, _p, b) => e.updateSettings(parse(settingsPatchSchema, b)) },
  { method: "POST", pattern: "/reset", handler: async (e) => (await e.reset(), { ok: true }) },
];

export async function handleControl(
  emulator: DodoEmulator,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname.slice("/_emulator/dodo".length) || "/";
  for (const route of ROUTES) {
    const params = matchPath(route.pattern, path);
    if (!params || route.method !== req.method) continue;
    let body: unknown;
    const text = req.method === "GET" ? "" : await readBody(req);
    try {
      body = text.trim() ? JSON.parse(text) : undefined;
    } catch {
      sendJson(res, 400, { code: "INVALID_REQUEST_BODY", message: "The body is not valid JSON" });
      return true;
    }
    try {
      sendJson(res, 200, await route.handler(emulator, params, body, url));
    } catch (error) {
      if (error instanceof ApiError) sendJson(res, error.status, { code: error.code, message: error.message });
      else if (error instanceof AmountError)
        sendJson(res, 422, { code: "UNPROCESSABLE_ENTITY", message: error.message });
      else throw error;
    }
    return true;
  }
  sendJson(res, 404, { code: "NOT_FOUND", message: `No control route for ${req.method} ${url.pathname}` });
  return true;
}
