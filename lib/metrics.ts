import { timingSafeEqual } from "node:crypto";

import { Counter, Gauge, Histogram, Registry } from "prom-client";

import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { HttpError } from "@/lib/errors";
import { loopStates } from "@/lib/runtime/loops";
import { processSingleton } from "@/lib/runtime/singleton";

/**
 * Prometheus metrics of this instance (GET /api/metrics). Counters count what this process did; the queue
 * and billing gauges are read from the database at scrape time, so every instance reports the same platform-
 * wide figures for them.
 */

function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    sendsAccepted: new Counter({
      name: "mailkit_sends_accepted_total",
      help: "Emails admitted for delivery (credits held).",
      labelNames: ["source"] as const,
      registers,
    }),
    sendsRefused: new Counter({
      name: "mailkit_sends_refused_total",
      help: "Emails refused at admission for lack of credits.",
      registers,
    }),
    sendsSettled: new Counter({
      name: "mailkit_sends_settled_total",
      help: "Emails Resend accepted (sent) or refused (failed, credits released).",
      labelNames: ["outcome"] as const,
      registers,
    }),
    deliveryEvents: new Counter({
      name: "mailkit_delivery_events_total",
      help: "Delivery statuses applied from Resend webhooks (delivered, bounced, …).",
      labelNames: ["status"] as const,
      registers,
    }),
    resendCalls: new Counter({
      name: "mailkit_resend_calls_total",
      help: "Calls to Resend's send endpoints by outcome.",
      labelNames: ["endpoint", "outcome"] as const,
      registers,
    }),
    resendRateLimited: new Counter({
      name: "mailkit_resend_rate_limited_total",
      help: "Resend answers 429.",
      registers,
    }),
    batchSize: new Histogram({
      name: "mailkit_resend_batch_size",
      help: "Emails per Resend call.",
      buckets: [1, 2, 5, 10, 25, 50, 75, 100],
      registers,
    }),
    dodoCalls: new Counter({
      name: "mailkit_dodo_calls_total",
      help: "Calls to Dodo Payments by operation and outcome.",
      labelNames: ["operation", "outcome"] as const,
      registers,
    }),
    webhooks: new Counter({
      name: "mailkit_webhooks_total",
      help: "Webhooks received by source and outcome.",
      labelNames: ["source", "outcome"] as const,
      registers,
    }),
    queueDepth: new Gauge({
      name: "mailkit_queue_depth",
      help: "Emails admitted and not yet accepted by Resend.",
      registers,
      async collect() {
        this.set(await db.emailSend.count({ where: { status: { in: ["queued", "unknown"] } } }));
      },
    }),
    oldestQueued: new Gauge({
      name: "mailkit_queue_oldest_age_seconds",
      help: "Age of the oldest email waiting for Resend.",
      registers,
      async collect() {
        const oldest = await db.emailSend.findFirst({
          where: { status: { in: ["queued", "unknown"] } },
          orderBy: { createdAt: "asc" },
          select: { createdAt: true },
        });
        this.set(oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0);
      },
    }),
    loopLastPassAge: new Gauge({
      name: "mailkit_loop_last_pass_age_seconds",
      help: "Seconds since each background loop of this process last completed a pass (on-demand loops: last run).",
      labelNames: ["loop"],
      registers,
      collect() {
        this.reset();
        for (const state of loopStates()) this.set({ loop: state.name }, (Date.now() - state.lastPassAt) / 1000);
      },
    }),
    loopPassRunning: new Gauge({
      name: "mailkit_loop_pass_running_seconds",
      help: "How long each loop's pass in progress has been running (0 when idle).",
      labelNames: ["loop"],
      registers,
      collect() {
        this.reset();
        for (const state of loopStates()) {
          this.set({ loop: state.name }, state.runningSince ? (Date.now() - state.runningSince) / 1000 : 0);
        }
      },
    }),
    pendingDebitCredits: new Gauge({
      name: "mailkit_pending_debit_credits",
      help: "Credits spent on accepted emails and not yet recorded in Dodo (unbilled, or in a pending debit).",
      registers,
      async collect() {
        const [unbilled, debits] = await Promise.all([
          db.unbilledSend.aggregate({ _sum: { credits: true } }),
          db.creditDebit.aggregate({ where: { status: "pending" }, _sum: { credits: true } }),
        ]);
        this.set((unbilled._sum.credits ?? 0) + (debits._sum.credits ?? 0));
      },
    }),
  };
}

export const metrics = processSingleton("metrics", createMetrics);

export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: metrics.registry.contentType, body: await metrics.registry.metrics() };
}

/**
 * A scrape is allowed with `Authorization: Bearer $METRICS_TOKEN`; without a token configured the endpoint does not
 * exist (404), so a deployment exposes nothing by accident.
 */
export function authorizeMetricsScrape(authorization: string | null): void {
  const token = getEnv().METRICS_TOKEN;
  if (!token) throw new HttpError("not_found", "Not found");
  const given = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1] ?? "";
  if (!sameSecret(given, token))
    throw new HttpError(
      "unauthorized",
      "Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.",
      {},
      {
        "www-authenticate": "Bearer",
      },
    );
}

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
