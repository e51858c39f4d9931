import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { configureWebhooks, createEndpoint, drainWebhookDeliveries, emitDomainUpdated } from "@/lib/webhooks";
import { listDeliveryLog } from "@/lib/webhooks/attempts";
import { retryDeliveryNow } from "@/lib/webhooks/replay";

import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { withLocalServices } from "./helpers/environment";

/**
 * Each attempt at a webhook delivery is recorded with what the endpoint answered (code, the first KB of its body)
 * and how long it took; "retry now" makes the next attempt at once; the log can show only the failing deliveries.
 */

withLocalServices();
let receiver: WebhookReceiver;
let userId: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  userId = (await db.user.create({ data: { email: `attempts-${Date.now()}@example.com` } })).id;
});
afterAll(async () => {
  configureWebhooks({});
  await receiver?.close();
});
beforeEach(async () => {
  // A long wait after a failure: only "retry now" makes the next attempt within the test.
  configureWebhooks({ retryDelaysMs: [3600_000, 3600_000], allowLoopback: true, failingPauseMaxMs: 0 });
  receiver.respond = () => 200;
  receiver.answerBody = undefined;
  await db.webhookEndpoint.deleteMany({ where: { userId } });
});

async function emitOne(name: string) {
  await db.$transaction((tx) =>
    emitDomainUpdated(tx, userId, {
      id: `dom-${name}`,
      name,
      status: "verified",
      created_at: new Date().toISOString(),
      region: "us-east-1",
      records: [],
    } as never),
  );
}

describe("webhook attempts", () => {
  it("records each attempt's code, body and duration; retry now delivers at once; failed-only lists the failing", async () => {
    const { endpoint } = await createEndpoint(userId, {
      endpoint: `${receiver.url}/attempts`,
      events: ["domain.updated"],
    });
    receiver.respond = (request) => (request.path === "/attempts" ? 503 : 200);
    await emitOne("failing.test");
    await drainWebhookDeliveries();

    let [delivery] = await listDeliveryLog(userId, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", attempts: 1, lastResponseStatus: 503 });
    expect(delivery!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    expect(delivery!.attemptLog).toEqual([
      expect.objectContaining({ attempt: 1, responseStatus: 503, responseBody: "failing with 503", error: "HTTP 503" }),
    ]);
    expect(delivery!.attemptLog[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(await listDeliveryLog(userId, endpoint.id, { failedOnly: true })).toHaveLength(1);

    receiver.respond = () => 200;
    expect(await retryDeliveryNow(userId, delivery!.id)).toBe(true);
    [delivery] = await listDeliveryLog(userId, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 2, lastResponseStatus: 200 });
    expect(delivery!.attemptLog.map((a) => [a.attempt, a.responseStatus, a.responseBody])).toEqual([
      [2, 200, "ok"],
      [1, 503, "failing with 503"],
    ]);
    expect(await listDeliveryLog(userId, endpoint.id, { failedOnly: true })).toHaveLength(0);
  });

  it("keeps only the first KB of a long answer, and another customer cannot retry the delivery", async () => {
    const { endpoint } = await createEndpoint(userId, { endpoint: `${receiver.url}/long`, events: ["domain.updated"] });
    receiver.answerBody = () => `start-${"x".repeat(5000)}-end`;
    await emitOne("long.test");
    await drainWebhookDeliveries();
    const [delivery] = await listDeliveryLog(userId, endpoint.id);
    const body = delivery!.attemptLog[0]!.responseBody!;
    expect(body.startsWith("start-xxx")).toBe(true);
    expect(body).not.toContain("-end");
    expect(body.length).toBeLessThanOrEqual(1024);
    const stranger = await db.user.create({ data: { email: `stranger-${Date.now()}@example.com` } });
    await expect(retryDeliveryNow(stranger.id, delivery!.id)).rejects.toThrow("Delivery not found");
  });
});
