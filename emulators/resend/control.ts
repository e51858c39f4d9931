import type { IncomingMessage, ServerResponse } from "node:http";

import { matchPath, readJson, sendJson } from "../shared/http";
import type { WebhookDeliverer } from "../shared/webhooks";
import type { DomainRegistry } from "./domains";
import type { EventScheduler } from "./events";
import type { ResendFaultInjector, ResendFaultInput } from "./faults";
import type { RateLimiter } from "./rate-limit";
import type { ResendStore } from "./store";
import type { InboxMessage, RateLimitSettings } from "./types";
import { addressOf } from "./validation";
import { hasRecipient, recipientsOf, toInboxMessage } from "./view";

/**
 * The control plane under `/_emulator/resend` (tests, benchmarks, the inbox page). Not part of Resend's API:
 * no API key, answers `{ data }` or `{ error }`.
 */
export type ControlDeps = {
  store: ResendStore;
  scheduler: EventScheduler;
  deliverer: WebhookDeliverer;
  faults: ResendFaultInjector;
  rateLimiter: RateLimiter;
  eventDelayMs: number;
  domains: DomainRegistry;
  getWebhookUrl(): string | null;
  setWebhookUrl(url: string | null): void;
  reset(): Promise<void>;
};

export type MessageFilter = { to?: string; q?: string; limit?: number };

/** Captured messages, newest first, optionally by exact recipient (`to`) or recipient substring (`q`). */
export function findMessages(store: ResendStore, filter: MessageFilter = {}): InboxMessage[] {
  const q = filter.q?.trim().toLowerCase();
  const out: InboxMessage[] = [];
  for (let i = store.all.length - 1; i >= 0; i--) {
    const m = store.all[i]!;
    if (filter.to && !hasRecipient(m, filter.to)) continue;
    if (q && !recipientsOf(m).some((r) => r.toLowerCase().includes(q))) continue;
    out.push(toInboxMessage(m));
    if (filter.limit !== undefined && out.length >= filter.limit) break;
  }
  return out;
}

class BadRequest extends Error {}

export async function handleControl(
  deps: ControlDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const ok = (data: unknown, status = 200) => sendJson(res, status, { data });
  const fail = (status: number, error: string) => sendJson(res, status, { error });
  try {
    if (method === "GET" && (path === "" || path === "/")) {
      return ok({
        messages: deps.store.all.length,
        webhookUrl: deps.getWebhookUrl(),
        rateLimit: deps.rateLimiter.settings,
        enforceVerifiedDomains: deps.store.enforceVerifiedDomains,
        domains: deps.domains.all.length,
        faults: deps.faults.list(),
        baseLatencyMs: deps.faults.baseLatencyMs,
      });
    }
    if (method === "GET" && path === "/messages") {
      const limit = url.searchParams.get("limit");
      const parsedLimit = limit === null ? undefined : Number(limit);
      if (parsedLimit !== undefined && (!Number.isInteger(parsedLimit) || parsedLimit < 1))
        throw new BadRequest("limit must be a positive integer");
      return ok(
        findMessages(deps.store, {
          to: url.searchParams.get("to")?.replaceAll(" ", "+") ?? undefined, // an unencoded "+" arrives as a space
          q: url.searchParams.get("q") ?? undefined,
          limit: parsedLimit,
        }),
      );
    }
    let params = matchPath("/messages/:id", path);
    if (method === "GET" && params) {
      const m = deps.store.get(params.id!);
      return m ? ok(toInboxMessage(m)) : fail(404, `No message ${params.id}`);
    }
    params = matchPath("/messages/:id/send-now", path);
    if (method === "POST" && params) {
      const m = deps.store.get(params.id!);
      if (!m) return fail(404, `No message ${params.id}`);
      deps.scheduler.runNow(m, deps.eventDelayMs);
      return ok(toInboxMessage(m));
    }
    // A recipient opens the email or follows a link in it. Resend reports these only for mail from a domain with
    // open / click tracking on (domains.update), and only once the email was delivered.
    const engagement = matchPath("/messages/:id/:action", path);
    if (method === "POST" && engagement && (engagement.action === "open" || engagement.action === "click")) {
      const m = deps.store.get(engagement.id!);
      if (!m) return fail(404, `No message ${engagement.id}`);
      const domainName = (addressOf(m.from) ?? m.from).split("@").pop()!.toLowerCase();
      const domain = deps.domains.find(domainName);
      const opening = engagement.action === "open";
      if (!(opening ? domain?.open_tracking : domain?.click_tracking))
        return fail(
          409,
          `${opening ? "Open" : "Click"} tracking is off for ${domainName}: Resend reports no ${opening ? "opens" : "clicks"}`,
        );
      if (!m.events.some((e) => e.type === "email.delivered")) return fail(409, `Message ${m.id} was not delivered`);
      const body = ((await readJson(req)) ?? {}) as { link?: unknown };
      const timestamp = new Date().toISOString();
      const link = typeof body.link === "string" ? body.link : "https://example.com/";
      deps.scheduler.record(m, {
        type: opening ? "email.opened" : "email.clicked",
        to: m.to,
        ...(opening ? {} : { click: { ipAddress: "192.0.2.1", link, timestamp, userAgent: "Mozilla/5.0 (Emulator)" } }),
      });
      return ok(toInboxMessage(m));
    }
    if (method === "POST" && path === "/scheduled/send-now") {
      const scheduled = deps.store.all.filter((m) => m.last_event === "scheduled");
      for (const m of scheduled) deps.scheduler.runNow(m, deps.eventDelayMs);
      return ok({ count: scheduled.length });
    }
    if (method === "POST" && path === "/reset") {
      await deps.reset();
      return ok({ reset: true });
    }
    if (method === "GET" && path === "/webhooks") {
      const type = url.searchParams.get("type");
      const deliveries = [...deps.deliverer.deliveries].reverse().filter((d) => !type || d.type === type);
      return ok(deliveries.map(({ secret: _secret, ...d }) => ({ ...d, payload: JSON.parse(d.body) as unknown })));
    }
    params = matchPath("/webhooks/:id/redeliver", path);
    if (method === "POST" && params) {
      const delivery = deps.deliverer.redeliver(params.id!);
      if (!delivery) return fail(404, `No webhook delivery ${params.id}`);
      const { secret: _secret, ...shown } = delivery;
      return ok(shown);
    }
    if (path === "/faults") {
      if (method === "GET") return ok({ faults: deps.faults.list(), baseLatencyMs: deps.faults.baseLatencyMs });
      if (method === "DELETE") {
        deps.faults.clear();
        return ok({ faults: [], baseLatencyMs: 0 });
      }
      if (method === "POST") return ok(addFaults(deps.faults, await readJson(req)));
    }
    params = matchPath("/faults/:id", path);
    if (method === "DELETE" && params) {
      return deps.faults.remove(Number(params.id))
        ? ok({ removed: Number(params.id) })
        : fail(404, `No fault ${params.id}`);
    }
    if (path === "/settings") {
      if (method === "POST") applySettings(deps, await readJson(req));
      if (method === "POST" || method === "GET")
        return ok({
          rateLimit: deps.rateLimiter.settings,
          webhookUrl: deps.getWebhookUrl(),
          enforceVerifiedDomains: deps.store.enforceVerifiedDomains,
        });
    }
    if (method === "GET" && path === "/idempotency") return ok(deps.store.idempotencyRecords());
    if (method === "GET" && path === "/domains") return ok(deps.domains.all);
    params = matchPath("/domains/:domain", path);
    if (method === "GET" && params) {
      const domain = deps.domains.find(params.domain!);
      return domain ? ok(domain) : fail(404, `No domain ${params.domain}`);
    }
    params = matchPath("/domains/:domain/:action", path);
    if (method === "POST" && params && (params.action === "publish" || params.action === "break")) {
      const domain = deps.domains.find(params.domain!);
      if (!domain) return fail(404, `No domain ${params.domain}`);
      if (params.action === "publish") return ok(deps.domains.publish(domain));
      const body = ((await readJson(req)) ?? {}) as { status?: unknown };
      if (body.status !== undefined && body.status !== "failed" && body.status !== "temporary_failure")
        throw new BadRequest('status must be "failed" or "temporary_failure"');
      return ok(deps.domains.breakRecords(domain, body.status as "failed" | "temporary_failure" | undefined));
    }
    return fail(404, `No Resend emulator control route for ${method} ${path}`);
  } catch (error) {
    if (error instanceof BadRequest || error instanceof SyntaxError || error instanceof RangeError)
      return fail(400, error.message);
    throw error;
  }
}

/** Body: one FaultInput, an array of them, and/or `{ baseLatencyMs }`. */
function addFaults(faults: ResendFaultInjector, body: unknown): { faults: unknown[]; baseLatencyMs: number } {
  if (!body || typeof body !== "object")
    throw new BadRequest("Send a fault object, an array of them, or { baseLatencyMs }");
  const inputs = (Array.isArray(body) ? body : [body]) as (ResendFaultInput & { baseLatencyMs?: number })[];
  const added: unknown[] = [];
  for (const { baseLatencyMs, ...input } of inputs) {
    if (baseLatencyMs !== undefined) {
      if (typeof baseLatencyMs !== "number" || baseLatencyMs < 0)
        throw new BadRequest("baseLatencyMs must be a number ≥ 0");
      faults.baseLatencyMs = baseLatencyMs;
    }
    const meaningful = ["latencyMs", "status", "hang"].some((k) => (input as Record<string, unknown>)[k] !== undefined);
    if (meaningful) added.push(faults.add(input));
    else if (baseLatencyMs === undefined) throw new BadRequest("A fault needs latencyMs, status or hang");
  }
  return { faults: added, baseLatencyMs: faults.baseLatencyMs };
}

function applySettings(deps: ControlDeps, body: unknown): void {
  const settings = (body ?? {}) as {
    rateLimit?: Partial<RateLimitSettings>;
    webhookUrl?: string | null;
    enforceVerifiedDomains?: unknown;
  };
  if (settings.rateLimit !== undefined) deps.rateLimiter.set(settings.rateLimit);
  if (settings.enforceVerifiedDomains !== undefined) {
    if (typeof settings.enforceVerifiedDomains !== "boolean")
      throw new BadRequest("enforceVerifiedDomains must be a boolean");
    deps.store.enforceVerifiedDomains = settings.enforceVerifiedDomains;
  }
  if (settings.webhookUrl !== undefined) {
    if (settings.webhookUrl !== null && !/^https?:\/\//.test(settings.webhookUrl))
      throw new BadRequest("webhookUrl must be an http(s) URL or null");
    deps.setWebhookUrl(settings.webhookUrl);
  }
}
