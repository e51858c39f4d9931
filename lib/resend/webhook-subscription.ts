import type { Resend, WebhookEvent } from "resend";

import { db } from "@/lib/db";
import type { PrismaClient } from "@/prisma/generated/client";
import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/runtime/singleton";
import { logger } from "@/lib/runtime/log";

import { getResend } from "./client";

/**
 * MailKit's platform webhook in Resend: `<APP_URL>/api/webhooks/resend`, subscribed to exactly the events MailKit
 * does not already know. `email.sent` is not among them: it means "the API request was successful", which MailKit
 * learns when the call settles (and then tells customers itself, lib/sending/sent-events.ts).
 */

/** What happens to an email after Resend accepted it, and the sender domains' status. */
export const PLATFORM_WEBHOOK_EVENTS = [
  "email.delivered",
  "email.delivery_delayed",
  "email.bounced",
  "email.complained",
  "email.failed",
  "email.suppressed",
  "domain.created",
  "domain.updated",
  "domain.deleted",
] as const satisfies readonly WebhookEvent[];

/**
 * Tracking events: subscribed only while some customer endpoint listens for them or some sender domain has that
 * tracking on (the deliverability page counts them); each costs a request per email.
 */
export const ON_DEMAND_WEBHOOK_EVENTS = ["email.opened", "email.clicked"] as const satisfies readonly WebhookEvent[];

/** MailKit's route for Resend's events (app/api/webhooks/resend/route.ts; served ahead of Next.js, lib/server-start.ts). */
export const PLATFORM_WEBHOOK_PATH = "/api/webhooks/resend";

export function platformWebhookEndpoint(appUrl: string = getEnv().APP_URL): string {
  return `${appUrl.replace(/\/$/, "")}${PLATFORM_WEBHOOK_PATH}`;
}

/** The events the platform webhook needs now: the fixed set plus the tracking events some endpoint subscribes to. */
export async function platformWebhookEvents(
  prisma: Pick<PrismaClient, "webhookEndpoint" | "senderDomain"> = db,
): Promise<WebhookEvent[]> {
  const wanted: WebhookEvent[] = [...PLATFORM_WEBHOOK_EVENTS];
  for (const type of ON_DEMAND_WEBHOOK_EVENTS) {
    // Disabled endpoints count too: enabling one again then needs no change in Resend.
    const listener = await prisma.webhookEndpoint.findFirst({
      where: { eventTypes: { has: type } },
      select: { id: true },
    });
    const tracking = listener
      ? null
      : await prisma.senderDomain.findFirst({
          where: type === "email.opened" ? { openTracking: true } : { clickTracking: true },
          select: { id: true },
        });
    if (listener || tracking) wanted.push(type);
  }
  return wanted;
}

export type WebhookSync = {
  action: "created" | "updated" | "unchanged" | "missing";
  id: string | null;
  endpoint: string;
  events: WebhookEvent[];
  /** The webhook's signing secret (what RESEND_WEBHOOK_SECRET must hold); null when there is no webhook. */
  signingSecret: string | null;
};

export class ResendWebhookError extends Error {
  override name = "ResendWebhookError";
}

/**
 * Creates or updates the platform webhook so it has exactly `events` (enabled). Idempotent: a webhook that is
 * already right is left alone (one list and one get request). With `create: false` a missing webhook stays missing:
 * one created at run time would have a secret the running app does not know.
 */
export async function syncPlatformWebhook(
  options: {
    resend?: Resend;
    endpoint?: string;
    events?: WebhookEvent[];
    create?: boolean;
    /** Where customers' endpoints are read (default: the app's database). */
    prisma?: Pick<PrismaClient, "webhookEndpoint" | "senderDomain">;
  } = {},
): Promise<WebhookSync> {
  const resend = options.resend ?? getResend();
  const endpoint = options.endpoint ?? platformWebhookEndpoint();
  const events = options.events ?? (await platformWebhookEvents(options.prisma));
  const existing = await findWebhook(resend, endpoint);

  if (!existing) {
    if (options.create === false) return { action: "missing", id: null, endpoint, events, signingSecret: null };
    const { data, error } = await patiently(() => resend.webhooks.create({ endpoint, events }));
    if (error || !data) throw new ResendWebhookError(`Resend refused to create the webhook: ${describe(error)}`);
    return { action: "created", id: data.id, endpoint, events, signingSecret: data.signing_secret };
  }

  const same = existing.status === "enabled" && sameSet(existing.events ?? [], events);
  if (!same) {
    const { error } = await patiently(() => resend.webhooks.update(existing.id, { events, status: "enabled" }));
    if (error) throw new ResendWebhookError(`Resend refused to update webhook ${existing.id}: ${describe(error)}`);
  }
  const { data, error } = await patiently(() => resend.webhooks.get(existing.id));
  if (error || !data) throw new ResendWebhookError(`Resend did not return webhook ${existing.id}: ${describe(error)}`);
  return {
    action: same ? "unchanged" : "updated",
    id: existing.id,
    endpoint,
    events,
    signingSecret: data.signing_secret,
  };
}

// The event set last written (or found) by this process, so an endpoint change that changes nothing calls nobody.
const lastSynced = processSingleton("resend-webhook-events", (): { events?: string } => ({}));

/**
 * For lib/webhooks and lib/domains: call after a customer endpoint is created, deleted or its event types change,
 * or a domain's tracking changes. Updates the
 * platform webhook when the tracking events it needs changed; never creates one (see `syncPlatformWebhook`).
 * Failures are logged, not thrown: the endpoint change stands, and `npm run resend:setup` repairs the webhook.
 */
export async function keepPlatformWebhookInStep(): Promise<WebhookSync | null> {
  try {
    const events = await platformWebhookEvents();
    const key = [...events].sort().join(",");
    if (lastSynced.events === key) return null;
    const result = await syncPlatformWebhook({ events, create: false });
    if (result.action !== "missing") lastSynced.events = key;
    return result;
  } catch (error) {
    logger("resend").error({ err: error }, "could not update the platform webhook's events");
    return null;
  }
}

/** Tests: forget what this process last synced. */
export function resetPlatformWebhookSyncForTests(): void {
  lastSynced.events = undefined;
}

type ListedWebhook = { id: string; endpoint: string; status: "enabled" | "disabled"; events: WebhookEvent[] | null };

/** The webhook pointing at `endpoint` (the oldest, if several), following the list's pages. */
async function findWebhook(resend: Resend, endpoint: string): Promise<ListedWebhook | undefined> {
  let after: string | undefined;
  let found: ListedWebhook | undefined;
  for (;;) {
    const { data, error } = await patiently(() => resend.webhooks.list(after ? { limit: 100, after } : { limit: 100 }));
    if (error || !data) throw new ResendWebhookError(`Resend did not list the webhooks: ${describe(error)}`);
    // Newest first: the last match seen is the oldest.
    for (const hook of data.data) if (hook.endpoint === endpoint) found = hook;
    if (!data.has_more || data.data.length === 0) return found;
    after = data.data[data.data.length - 1]!.id;
  }
}

const RATE_LIMIT_RETRIES = 5;

/**
 * One SDK call, repeated after a 429: the team's 5 requests/s are shared with the dispatcher (and the emulator's
 * limit is on in benchmarks), so set-up waits its turn instead of failing.
 */
async function patiently<
  T extends { error: { statusCode: number | null } | null; headers?: Record<string, string> | null },
>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const result = await call();
    if (result.error?.statusCode !== 429 || attempt >= RATE_LIMIT_RETRIES) return result;
    const retryAfter = Number(result.headers?.["retry-after"]);
    await new Promise((r) => setTimeout(r, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 1000));
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((e) => right.has(e));
}

function describe(error: { name?: string; message?: string } | null | undefined): string {
  return error ? `${error.name ?? "error"}: ${error.message ?? ""}` : "no answer";
}
