import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { getWebhookConfig } from "@/lib/webhooks/config";
import { recordOutcome } from "@/lib/webhooks/outcome";
import type { AttemptResult } from "@/lib/webhooks/post";

/**
 * Delivery outcomes recorded concurrently (a burst to one endpoint finishing at once): no deadlock between
 * outcomes and disabling, the endpoint's failure state right afterwards, every outcome recorded exactly once.
 */

const onPostgres = process.env.MAILKIT_TEST_DATABASE === "postgres";
const HOUR = 3600_000;

const failed: AttemptResult = { ok: false, status: 500, excerpt: "down", error: "HTTP 500" };
const succeeded: AttemptResult = { ok: true, status: 200, excerpt: "ok" };

/** An endpoint with `count` deliveries claimed (leased, first attempt under way) by the delivery loop. */
async function endpointWithClaims(count: number) {
  const user = await db.user.create({ data: { email: `outcomes-${randomUUID()}@example.com` } });
  const endpoint = await db.webhookEndpoint.create({
    data: { userId: user.id, url: "https://hooks.example.com/x", eventTypes: ["email.sent"], secret: "whsec_dGVzdA==" },
  });
  const leaseUntil = new Date(Date.now() + HOUR);
  await db.webhookDelivery.createMany({
    data: Array.from({ length: count }, (_, i) => ({
      endpointId: endpoint.id,
      eventType: "email.sent",
      eventId: `msg_${i}${randomUUID().replaceAll("-", "")}`,
      payload: { type: "email.sent", n: i },
      attempts: 1,
      leaseUntil,
      lastAttemptAt: new Date(),
    })),
  });
  const claims = await db.$queryRawUnsafe<{ id: string; endpointId: string; attempts: number; lease: string }[]>(
    `SELECT "id", "endpointId", "attempts", "leaseUntil"::text AS "lease" FROM "WebhookDelivery"
     WHERE "endpointId" = $1 ORDER BY "eventId"`,
    endpoint.id,
  );
  return { endpoint, claims };
}

/** PostgreSQL's count of deadlocks in this database (statistics reach it within PGSTAT_IDLE_INTERVAL, 10 s). */
async function deadlocks(): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ deadlocks: number }[]>(
    "SELECT deadlocks::int AS deadlocks FROM pg_stat_database WHERE datname = current_database()",
  );
  return Number(row!.deadlocks);
}

/** Runs `work`, then asserts PostgreSQL saw no deadlock meanwhile (waits for the statistics to catch up). */
async function withoutDeadlocks(work: () => Promise<void>) {
  const before = onPostgres ? await deadlocks() : 0;
  await work();
  if (!onPostgres) return;
  const deadline = Date.now() + 11_500;
  while (Date.now() < deadline) {
    expect(await deadlocks(), "40P01 deadlocks in PostgreSQL").toBe(before);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function recordAll(outcomes: [Parameters<typeof recordOutcome>[0], AttemptResult][]) {
  const config = getWebhookConfig();
  const results = await Promise.allSettled(
    outcomes.map(([claim, result]) => recordOutcome(claim, result, config, { startedAt: new Date(), durationMs: 5 })),
  );
  const errors = results.flatMap((r) => (r.status === "rejected" ? [String((r.reason as Error).message)] : []));
  expect(errors, "outcomes that failed to record").toEqual([]);
}

describe("concurrent delivery outcomes", () => {
  it("200 failed outcomes for one endpoint at once: no deadlock, each recorded once, the streak counts 200", async () => {
    const { endpoint, claims } = await endpointWithClaims(200);
    await withoutDeadlocks(() => recordAll(claims.map((c) => [c, failed])));

    const rows = await db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(rows).toHaveLength(200);
    for (const row of rows)
      expect(row).toMatchObject({ status: "pending", attempts: 1, leaseUntil: null, lastError: "HTTP 500" });
    // Recorded once each: the first retry is due one backoff step after its attempt, not two.
    const firstDelay = getWebhookConfig().retryDelaysMs[0]!;
    for (const row of rows) expect(row.nextAttemptAt.getTime()).toBeLessThan(Date.now() + firstDelay + 1_000);
    const after = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    // A burst of failures minutes long is no reason to disable: failures are counted over time.
    expect(after).toMatchObject({ status: "enabled", failureStreak: 200 });
    expect(after.failingSince).not.toBeNull();
  }, 60_000);

  it("an endpoint failing for more than a day is disabled once by a burst of outcomes; its events stay pending", async () => {
    const { endpoint, claims } = await endpointWithClaims(200);
    await db.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { failingSince: new Date(Date.now() - 25 * HOUR), failureStreak: 40 },
    });
    await withoutDeadlocks(() => recordAll(claims.map((c) => [c, failed])));

    const after = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(after.status).toBe("disabled");
    expect(after.disabledReason).toMatch(/failing for 25 hours/);
    const rows = await db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
    expect(rows.every((r) => r.status === "pending" && r.lastError === "HTTP 500" && r.leaseUntil === null)).toBe(true);
    const notices = await db.outboxJob.findMany({ where: { kind: "email.webhook_disabled" } });
    expect(notices.filter((j) => (j.payload as { endpointId: string }).endpointId === endpoint.id)).toHaveLength(1);
  }, 60_000);

  it("mixed successes and failures across 5 endpoints: no deadlock, every outcome recorded once", async () => {
    const endpoints = await Promise.all(Array.from({ length: 5 }, () => endpointWithClaims(60)));
    // Endpoints 0–1 fail everything, 2–3 succeed everything, 4 alternates.
    const outcomes = endpoints.flatMap(({ claims }, e) =>
      claims.map((c, i): [typeof c, AttemptResult] => [c, e < 2 || (e === 4 && i % 2) ? failed : succeeded]),
    );
    for (let i = outcomes.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [outcomes[i], outcomes[j]] = [outcomes[j]!, outcomes[i]!];
    }
    await withoutDeadlocks(() => recordAll(outcomes));

    for (const [e, { endpoint }] of endpoints.entries()) {
      const rows = await db.webhookDelivery.findMany({ where: { endpointId: endpoint.id } });
      const ok = rows.filter((r) => r.status === "succeeded");
      const retrying = rows.filter((r) => r.status === "pending" && r.lastError === "HTTP 500");
      expect(ok.length + retrying.length).toBe(60);
      expect(rows.every((r) => r.attempts === 1 && r.leaseUntil === null)).toBe(true);
      const state = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect(state.status).toBe("enabled");
      if (e < 2) expect([ok.length, state.failureStreak]).toEqual([0, 60]);
      if (e === 2 || e === 3) expect([ok.length, state.failureStreak, state.failingSince]).toEqual([60, 0, null]);
      if (e === 4) {
        expect(ok.length).toBe(30);
        expect(state.failureStreak).toBeLessThanOrEqual(30);
      }
    }
  }, 60_000);
});
