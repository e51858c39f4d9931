import { afterAll, describe, expect, it } from "vitest";

import { GET as metricsRoute } from "@/app/api/metrics/route";
import { POST as resendWebhook } from "@/app/api/webhooks/resend/route";
import { db } from "@/lib/db";
import { resetEnvForTests } from "@/lib/env";
import { sendEmails } from "@/lib/sending";
import { drainDispatcher } from "@/lib/sending/dispatcher";

import { signedResendRequest } from "../support/resend-webhooks";
import { createFundedUser, outgoingEmail, withTestWorld } from "./helpers/environment";

/** GET /api/metrics: Prometheus text behind METRICS_TOKEN, 404 when no token is configured. */

const world = withTestWorld();
const request = (token?: string) =>
  new Request("http://localhost/api/metrics", token ? { headers: { authorization: `Bearer ${token}` } } : {});

function useToken(token: string | undefined) {
  if (token === undefined) delete process.env.METRICS_TOKEN;
  else process.env.METRICS_TOKEN = token;
  resetEnvForTests();
}
afterAll(() => useToken(undefined));

describe("metrics", () => {
  it("is 404 without METRICS_TOKEN, 401 with a wrong token", async () => {
    useToken(undefined);
    expect((await metricsRoute(request("anything"))).status).toBe(404);
    useToken("s3cret-metrics-token");
    expect((await metricsRoute(request())).status).toBe(401);
    expect((await metricsRoute(request("wrong"))).status).toBe(401);
  });

  it("reports sends, queue depth and age, Resend calls and batch sizes, pending debits, deliveries and webhooks", async () => {
    useToken("s3cret-metrics-token");
    const scrape = async () => (await metricsRoute(request("s3cret-metrics-token"))).text();
    const { user, customerId } = await createFundedUser(world, 5, "metrics");
    // Resend's own webhooks for these sends are held back: the delivery below is the one this test sends.
    await world.emulators.resend.idle();
    world.emulators.resend.webhooks.paused = true;
    try {
      await reportsEverything(scrape, user.id, customerId);
    } finally {
      world.emulators.resend.webhooks.resume();
    }
  });
});

/** Sends, delivery and a webhook, with the metrics read before and after each step. */
async function reportsEverything(scrape: () => Promise<string>, userId: string, customerId: string) {
  const before = await scrape();
  const first = await sendEmails({ userId, customerId, source: "api" }, [outgoingEmail("m1@example.com")]);
  await sendEmails({ userId, customerId, source: "api" }, [outgoingEmail("m2@example.com")]);
  // The first has waited a minute.
  const sendId = first.emails[0]!.id;
  await db.emailSend.update({ where: { id: sendId }, data: { createdAt: new Date(Date.now() - 60_000) } });
  const queued = await scrape();
  expect(value(queued, "mailkit_queue_depth")).toBe(2);
  expect(
    value(queued, 'mailkit_sends_accepted_total{source="api"}') -
      value(before, 'mailkit_sends_accepted_total{source="api"}'),
  ).toBe(2);
  expect(value(queued, "mailkit_queue_oldest_age_seconds")).toBeGreaterThanOrEqual(59);

  await drainDispatcher();
  const response = await metricsRoute(request("s3cret-metrics-token"));
  expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
  const sent = await response.text();
  const delta = (name: string) => value(sent, name) - value(before, name);
  expect(value(sent, "mailkit_queue_depth")).toBe(0);
  expect(value(sent, "mailkit_queue_oldest_age_seconds")).toBe(0);
  expect(delta('mailkit_resend_calls_total{endpoint="batch",outcome="accepted"}')).toBe(1);
  expect(delta('mailkit_resend_batch_size_bucket{le="2"}')).toBe(1);
  expect(delta('mailkit_sends_settled_total{outcome="sent"}')).toBe(2);
  expect(value(sent, "mailkit_pending_debit_credits")).toBeGreaterThanOrEqual(2);

  // Resend reports the delivery: a delivered send and an applied webhook.
  const { resendId } = await db.emailSend.findUniqueOrThrow({ where: { id: sendId } });
  const event = { type: "email.delivered", created_at: new Date().toISOString(), data: { email_id: resendId } };
  expect((await resendWebhook(signedResendRequest(event))).status).toBe(200);
  const delivered = await scrape();
  expect(
    value(delivered, 'mailkit_delivery_events_total{status="delivered"}') -
      value(sent, 'mailkit_delivery_events_total{status="delivered"}'),
  ).toBe(1);
  expect(
    value(delivered, 'mailkit_webhooks_total{source="resend",outcome="applied"}') -
      value(sent, 'mailkit_webhooks_total{source="resend",outcome="applied"}'),
  ).toBe(1);
}

/** A sample's value in Prometheus text (0 when the series is not there yet). */
function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
