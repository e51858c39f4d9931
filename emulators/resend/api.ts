import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  CancelEmailResponseSuccess,
  CreateBatchSuccessResponse,
  CreateEmailResponseSuccess,
  ListEmailsResponseSuccess,
  UpdateEmailResponseSuccess,
} from "resend";

import { sleep } from "../shared/faults";
import { matchPath, readBody, sendJson } from "../shared/http";
import type { DomainRegistry } from "./domains";
import { errors, faultBody, type ApiResult } from "./errors";
import type { EventScheduler } from "./events";
import { planEvents } from "./events";
import type { ResendFaultInjector } from "./faults";
import type { RateLimiter } from "./rate-limit";
import { fingerprint, type ResendStore } from "./store";
import type { StoredMessage } from "./types";
import { MAX_BATCH, parseSchedule, validateEmail, type ValidatedEmail } from "./validation";
import { toGetEmail, toListEmail } from "./view";
import type { WebhookRegistry } from "./webhooks";

/**
 * The Resend REST API under `/resend` (the SDK's base URL). Order of checks for each request:
 * route → API key → rate limit → body → Idempotency-Key → faults (before accept) → handler → faults (after accept).
 * The idempotency key is reserved before the before-accept faults, so a slow request (latency fault or
 * baseLatencyMs) is "in flight" and a concurrent retry gets 409 concurrent_idempotent_requests.
 */
export type ApiDeps = {
  store: ResendStore;
  scheduler: EventScheduler;
  faults: ResendFaultInjector;
  rateLimiter: RateLimiter;
  fullAccessKeys: Set<string>;
  sendingOnlyKeys: Set<string>;
  eventDelayMs: number;
  domains: DomainRegistry;
  webhooks: WebhookRegistry;
  /** Responses a hang fault holds open (closed on close()). */
  hung: Set<ServerResponse>;
};

type Context = {
  body: unknown;
  params: Record<string, string>;
  query: URLSearchParams;
  req: IncomingMessage;
  apiKey: string;
  idempotencyKey: string | null;
};
type Route = {
  method: string;
  pattern: string;
  sending?: boolean;
  idempotent?: boolean;
  run: (deps: ApiDeps, ctx: Context) => ApiResult;
};

const ROUTES: Route[] = [
  { method: "POST", pattern: "/emails", sending: true, idempotent: true, run: sendEmail },
  { method: "POST", pattern: "/emails/batch", sending: true, idempotent: true, run: sendBatch },
  { method: "GET", pattern: "/emails", run: listEmails },
  { method: "GET", pattern: "/emails/:id", run: getEmail },
  { method: "PATCH", pattern: "/emails/:id", run: updateEmail },
  { method: "POST", pattern: "/emails/:id/cancel", run: cancelEmail },
  { method: "POST", pattern: "/domains", run: (deps, ctx) => deps.domains.create(ctx.body) },
  { method: "GET", pattern: "/domains", run: (deps, ctx) => deps.domains.list(ctx.query) },
  { method: "GET", pattern: "/domains/:id", run: (deps, ctx) => deps.domains.get(ctx.params.id!) },
  { method: "PATCH", pattern: "/domains/:id", run: (deps, ctx) => deps.domains.update(ctx.params.id!, ctx.body) },
  { method: "DELETE", pattern: "/domains/:id", run: (deps, ctx) => deps.domains.remove(ctx.params.id!) },
  { method: "POST", pattern: "/domains/:id/verify", run: (deps, ctx) => deps.domains.verify(ctx.params.id!) },
  { method: "POST", pattern: "/webhooks", run: (deps, ctx) => deps.webhooks.create(ctx.body) },
  { method: "GET", pattern: "/webhooks", run: (deps, ctx) => deps.webhooks.list(ctx.query) },
  { method: "GET", pattern: "/webhooks/:id", run: (deps, ctx) => deps.webhooks.get(ctx.params.id!) },
  { method: "PATCH", pattern: "/webhooks/:id", run: (deps, ctx) => deps.webhooks.update(ctx.params.id!, ctx.body) },
  { method: "DELETE", pattern: "/webhooks/:id", run: (deps, ctx) => deps.webhooks.remove(ctx.params.id!) },
  {
    method: "POST",
    pattern: "/webhooks/:id/signing-secret/rotate",
    run: (deps, ctx) => deps.webhooks.rotateSecret(ctx.params.id!),
  },
];

export async function handleApi(
  deps: ApiDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
): Promise<void> {
  let clientGone = false; // 'close' before we answered = the client disconnected (timeout, abort)
  res.once("close", () => (clientGone = !res.writableEnded));
  const method = (req.method ?? "GET").toUpperCase();
  const candidates = ROUTES.map((route) => ({ route, params: matchPath(route.pattern, path) })).filter((c) => c.params);
  const found = candidates.find((c) => c.route.method === method);
  if (!found) return write(res, candidates.length ? errors.methodNotAllowed() : errors.notFound());
  const { route, params } = found as { route: Route; params: Record<string, string> };

  const auth = authenticate(deps, req);
  if ("error" in auth) return write(res, auth.error);
  if (auth.sendingOnly && !route.sending) return write(res, errors.restrictedApiKey());

  const limit = deps.rateLimiter.take(auth.key);
  if (!limit.allowed) return write(res, errors.rateLimited(), limit.headers);
  const headers = limit.headers;

  let body: unknown;
  if (method === "POST" || method === "PATCH") {
    const text = await readBody(req);
    try {
      body = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      return write(res, errors.invalidJson(), headers);
    }
  }

  const idempotency = route.idempotent ? beginIdempotency(deps, req, `${method} ${route.pattern}`, body) : {};
  if (idempotency.error) return write(res, idempotency.error, headers);
  let reserved = idempotency.reserved;

  try {
    const before = deps.faults.take(method, path);
    if (before.latencyMs > 0) await sleep(before.latencyMs);
    if (before.hang) return hold(deps, res);
    if (before.status !== undefined)
      return write(res, { status: before.status, body: before.body ?? faultBody(before.status) }, headers);
    // The client gave up while we were slow: like a real provider that never got to accept it, store nothing.
    if (clientGone || req.socket.destroyed) return;

    const ctx: Context = {
      body,
      params,
      query: url.searchParams,
      req,
      apiKey: auth.key,
      idempotencyKey: idempotency.key ?? null,
    };
    let result = idempotency.replay ?? route.run(deps, ctx);
    if (reserved) {
      deps.store.completeIdempotent(reserved.scope, reserved.key, result.status, result.body);
      reserved = undefined;
    }

    if (result.status >= 200 && result.status < 300) {
      const after = deps.faults.takeAfterAccept(method, path);
      if (after.latencyMs > 0) await sleep(after.latencyMs);
      if (after.hang) return hold(deps, res);
      if (after.status !== undefined) result = { status: after.status, body: after.body ?? faultBody(after.status) };
    }
    write(res, result, headers);
  } finally {
    if (reserved) deps.store.releaseIdempotent(reserved.scope, reserved.key);
  }
}

type IdempotencyStart = {
  key?: string;
  reserved?: { scope: string; key: string };
  replay?: ApiResult;
  error?: ApiResult;
};

/** Idempotency-Key: reserve it (new), replay the stored response, or refuse (409 / 400). No header: nothing. */
function beginIdempotency(deps: ApiDeps, req: IncomingMessage, scope: string, body: unknown): IdempotencyStart {
  const key = req.headers["idempotency-key"];
  if (key === undefined) return {};
  if (typeof key !== "string" || key.length < 1 || key.length > 256) return { error: errors.invalidIdempotencyKey() };
  // The batch validation mode changes the outcome, so it is part of what must match.
  const print = fingerprint({ body, batchValidation: req.headers["x-batch-validation"] ?? null });
  const check = deps.store.beginIdempotent(scope, key, print);
  if (check.kind === "in_flight") return { key, error: errors.idempotencyInFlight() };
  if (check.kind === "mismatch") return { key, error: errors.idempotencyMismatch() };
  if (check.kind === "replay") return { key, replay: { status: check.record.status, body: check.record.body } };
  return { key, reserved: { scope, key } };
}

function authenticate(
  deps: ApiDeps,
  req: IncomingMessage,
): { key: string; sendingOnly: boolean } | { error: ApiResult } {
  const header = req.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return { error: errors.missingApiKey() };
  const key = match[1]!;
  if (deps.fullAccessKeys.has(key)) return { key, sendingOnly: false };
  if (deps.sendingOnlyKeys.has(key)) return { key, sendingOnly: true };
  return { error: errors.invalidApiKey() };
}

function write(res: ServerResponse, result: ApiResult, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.writableEnded) return;
  sendJson(res, result.status, result.body, { ...headers, ...result.headers });
}

/** A hang fault: keep the connection open and never answer (the client times out). */
function hold(deps: ApiDeps, res: ServerResponse): void {
  deps.hung.add(res);
  res.on("close", () => deps.hung.delete(res));
}

// ---- handlers ---------------------------------------------------------------------------------------------

function sendEmail(deps: ApiDeps, ctx: Context): ApiResult {
  const validation = validateEmail(ctx.body);
  if (!validation.ok) return validation.error;
  const refusal = senderRefusal(deps, validation.email.from);
  if (refusal) return refusal;
  const message = accept(deps, [validation.email], ctx, false)[0]!;
  const body: CreateEmailResponseSuccess = { id: message.id };
  return { status: 200, body };
}

type PermissiveBatchResponse = CreateBatchSuccessResponse<{ batchValidation: "permissive" }>;

/** All-or-nothing by default; `x-batch-validation: permissive` (the SDK's batchValidation) keeps the valid ones. */
function sendBatch(deps: ApiDeps, ctx: Context): ApiResult {
  if (!Array.isArray(ctx.body)) return errors.validation("The request body must be an array of emails.");
  if (ctx.body.length === 0) return errors.validation("The batch must contain at least one email.");
  if (ctx.body.length > MAX_BATCH)
    return errors.validation(`Too many emails in the batch. The maximum is ${MAX_BATCH}.`);
  const permissive = ctx.req.headers["x-batch-validation"] === "permissive";
  const results = ctx.body.map((item, index): ReturnType<typeof validateEmail> => {
    const result = validateEmail(item, { batch: true, index });
    const refusal = result.ok ? senderRefusal(deps, result.email.from) : undefined;
    if (!refusal) return result;
    const message = `emails[${index}]: ${(refusal.body as { message: string }).message}`;
    return { ok: false, error: { ...refusal, body: { ...(refusal.body as object), message } } };
  });

  if (!permissive) {
    const failed = results.find((r) => !r.ok);
    if (failed && !failed.ok) return failed.error;
  }
  const valid = results.flatMap((r) => (r.ok ? [r.email] : []));
  const ids = accept(deps, valid, ctx, true).map((m) => ({ id: m.id }));
  if (!permissive) {
    // The SDK's strict type intersects with Record<string, never>, which no literal satisfies; check `data` alone.
    const body: Pick<PermissiveBatchResponse, "data"> = { data: ids };
    return { status: 200, body };
  }
  const failures = results.flatMap((r, index) =>
    r.ok ? [] : [{ index, message: (r.error.body as { message: string }).message }],
  );
  const body: PermissiveBatchResponse = { data: ids, errors: failures };
  return { status: 200, body };
}

/** With `enforceVerifiedDomains` on: 403 validation_error unless `from` is on a verified domain (as Resend). */
function senderRefusal(deps: ApiDeps, from: string): ApiResult | undefined {
  return deps.store.enforceVerifiedDomains ? deps.domains.senderRefusal(from) : undefined;
}

/** Stores validated emails and plans their delivery events. */
function accept(deps: ApiDeps, emails: ValidatedEmail[], ctx: Context, batch: boolean): StoredMessage[] {
  const now = Date.now();
  const messages = emails.map((email, i): StoredMessage => {
    const future = email.scheduled_at !== null && Date.parse(email.scheduled_at) > now;
    const message: StoredMessage = {
      ...email,
      id: randomUUID(),
      message_id: `<${randomUUID()}@emulator.resend.dev>`,
      created_at: new Date(now).toISOString(),
      last_event: future ? "scheduled" : "queued",
      events: [],
      pending: [],
      idempotency_key: ctx.idempotencyKey,
      batch_index: batch ? i : null,
      api_key: `re_…${ctx.apiKey.slice(-4)}`,
    };
    message.pending = planEvents(message, now, deps.eventDelayMs);
    return message;
  });
  deps.store.add(messages);
  for (const m of messages) deps.scheduler.track(m);
  return messages;
}

function listEmails(deps: ApiDeps, ctx: Context): ApiResult {
  const limitParam = ctx.query.get("limit");
  const limit = limitParam === null ? 20 : Number(limitParam);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return errors.validation("The `limit` parameter must be an integer between 1 and 100.");
  const after = ctx.query.get("after") ?? undefined;
  const before = ctx.query.get("before") ?? undefined;
  if (after !== undefined && before !== undefined)
    return errors.validation("You can only use either the `after` or the `before` parameter, not both.");
  const page = deps.store.page({ limit, after, before });
  if (!page)
    return errors.validation(`The \`${after !== undefined ? "after" : "before"}\` cursor does not match any email.`);
  const body: ListEmailsResponseSuccess = { object: "list", has_more: page.hasMore, data: page.items.map(toListEmail) };
  return { status: 200, body };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function findEmail(deps: ApiDeps, id: string): StoredMessage | ApiResult {
  if (!UUID.test(id))
    return {
      status: 422,
      body: { statusCode: 422, name: "invalid_parameter", message: "The `id` must be a valid UUID." },
    };
  return deps.store.get(id) ?? errors.notFound("Email not found");
}

function getEmail(deps: ApiDeps, ctx: Context): ApiResult {
  const found = findEmail(deps, ctx.params.id!);
  if ("status" in found) return found;
  return { status: 200, body: toGetEmail(found) };
}

function updateEmail(deps: ApiDeps, ctx: Context): ApiResult {
  const found = findEmail(deps, ctx.params.id!);
  if ("status" in found) return found;
  if (found.last_event !== "scheduled") return errors.validation("Only scheduled emails can be updated.");
  const value = (ctx.body as { scheduled_at?: unknown } | undefined)?.scheduled_at;
  const when = typeof value === "string" ? parseSchedule(value, Date.now()) : undefined;
  if (when === undefined) return errors.validation("Invalid `scheduled_at` field.");
  found.scheduled_at = new Date(when).toISOString();
  // Re-plan from now: the "email.scheduled" event already happened, so only what follows is kept.
  deps.scheduler.replan(
    found,
    planEvents(found, Date.now(), deps.eventDelayMs).filter((e) => e.type !== "email.scheduled"),
  );
  const body: UpdateEmailResponseSuccess = { object: "email", id: found.id };
  return { status: 200, body };
}

function cancelEmail(deps: ApiDeps, ctx: Context): ApiResult {
  const found = findEmail(deps, ctx.params.id!);
  if ("status" in found) return found;
  if (found.last_event !== "scheduled") return errors.validation("Only scheduled emails can be canceled.");
  deps.scheduler.replan(found, []);
  deps.scheduler.record(found, { type: "email.canceled", to: found.to });
  const body: CancelEmailResponseSuccess = { object: "email", id: found.id };
  return { status: 200, body };
}
