import { Resend } from "resend";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/keys/api-keys";
import { db } from "@/lib/db";
import { getResend } from "@/lib/resend/client";
import {
  keepPlatformWebhookInStep,
  PLATFORM_WEBHOOK_EVENTS,
  resetPlatformWebhookSyncForTests,
  syncPlatformWebhook,
} from "@/lib/resend/webhook-subscription";
import { configureWebhooks, createEndpoint, drainWebhookDeliveries } from "@/lib/webhooks";

import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { createFundedUser, deliverQueued, withTestWorld } from "./helpers/environment";

/**
 * `npm run resend:setup` (syncPlatformWebhook) against the Resend emulator's Webhooks API: exactly the events MailKit
 * needs, idempotent; then a send costs MailKit two HTTP requests (the send, email.delivered) instead of three, while
 * a customer endpoint still gets email.sent (now emitted by MailKit at settle, in Resend's shape) and email.delivered.
 */

const world = withTestWorld();
let receiver: WebhookReceiver;
let userId: string;
let sdk: Resend;
const endpoint = () => `${world.app.url}/api/webhooks/resend`;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const { user } = await createFundedUser(world, 100, "setup");
  userId = user.id;
  const key = await createApiKey(userId, { name: "setup", permission: "full_access", rateLimitPerSecond: 1000 });
  sdk = new Resend(key.token, { baseUrl: `${world.app.url}/api` });
});

afterAll(async () => {
  configureWebhooks({});
  await receiver?.close();
});

beforeEach(async () => {
  configureWebhooks({ retryDelaysMs: [0, 0, 0], timeoutMs: 5_000, allowLoopback: true });
  receiver.received.length = 0;
  await db.webhookEndpoint.deleteMany({});
  // A fresh emulator: the app's webhook as configured in Resend's dashboard, every email and domain event.
  await world.emulators.resend.reset();
  resetPlatformWebhookSyncForTests();
});

/** Sends one email through MailKit's public API (one request into MailKit) and hands it to Resend. */
async function sendThroughApi(to: string): Promise<{ id: string; resendId: string }> {
  const { data, error } = await sdk.emails.send({
    from: "Acme <hello@acme.test>",
    to,
    subject: "Set up",
    html: "<p>hi</p>",
    tags: [{ name: "campaign", value: "welcome" }],
  });
  expect(error).toBeNull();
  await deliverQueued();
  const send = await db.emailSend.findUniqueOrThrow({ where: { id: data!.id } });
  await world.emulators.resend.idle();
  return { id: data!.id, resendId: send.resendId! };
}

/** HTTP requests the emulator made into MailKit's Resend webhook about one email (retries included). */
function webhookRequestsInto(resendId: string): { type: string; attempts: number }[] {
  return world.emulators.resend.webhooks.deliveries
    .filter(
      (d) => d.url === endpoint() && (JSON.parse(d.body) as { data: { email_id?: string } }).data.email_id === resendId,
    )
    .map((d) => ({ type: d.type, attempts: d.attempts.length }));
}

async function deliverUntil(done: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error("customer webhooks did not arrive in time");
    await drainWebhookDeliveries();
    await new Promise((r) => setTimeout(r, 50));
  }
}

const customerEvents = () =>
  receiver.received.map(
    (r) => JSON.parse(r.body) as { type: string; created_at: string; data: Record<string, unknown> },
  );

describe("resend:setup", () => {
  it("narrows the dashboard-configured webhook to exactly MailKit's events; a second run changes nothing", async () => {
    const resend = getResend();
    const before = (await resend.webhooks.list()).data!.data;
    expect(before).toHaveLength(1);
    expect(before[0]!.events).toContain("email.sent");

    const first = await syncPlatformWebhook({ endpoint: endpoint() });
    expect(first).toMatchObject({ action: "updated", id: before[0]!.id, endpoint: endpoint() });
    const got = (await resend.webhooks.get(before[0]!.id)).data!;
    expect([...got.events!].sort()).toEqual([...PLATFORM_WEBHOOK_EVENTS].sort());
    expect(got.events).not.toContain("email.sent");
    expect(first.signingSecret).toBe(got.signing_secret);

    const second = await syncPlatformWebhook({ endpoint: endpoint() });
    expect(second).toMatchObject({ action: "unchanged", id: first.id });
    expect((await resend.webhooks.list()).data!.data).toHaveLength(1);
  });

  it("waits out Resend's rate limit (shared with the dispatcher) instead of failing", async () => {
    world.emulators.resend.setRateLimit({ enabled: true, perSecond: 1 });
    try {
      expect((await syncPlatformWebhook({ endpoint: endpoint() })).action).toBe("updated");
      expect((await syncPlatformWebhook({ endpoint: endpoint() })).action).toBe("unchanged");
    } finally {
      world.emulators.resend.setRateLimit({ enabled: false });
    }
  });

  it("creates the webhook when there is none (with its own secret); at run time it never creates one", async () => {
    const resend = getResend();
    const [seeded] = (await resend.webhooks.list()).data!.data;
    await resend.webhooks.remove(seeded!.id);
    expect(await syncPlatformWebhook({ endpoint: endpoint(), create: false })).toMatchObject({ action: "missing" });
    expect((await resend.webhooks.list()).data!.data).toEqual([]);

    const created = await syncPlatformWebhook({ endpoint: endpoint() });
    expect(created.action).toBe("created");
    expect(created.signingSecret).toMatch(/^whsec_/);
    const [hook] = (await resend.webhooks.list()).data!.data;
    expect(hook).toMatchObject({ id: created.id, endpoint: endpoint(), status: "enabled" });
  });

  it("subscribes opened/clicked only while a customer endpoint listens for them, and keeps in step", async () => {
    const first = await syncPlatformWebhook({ endpoint: endpoint() });
    expect(first.events).not.toContain("email.opened");
    // Stored directly: the endpoint API does not offer tracking events yet; the subscription follows the table.
    const listener = await db.webhookEndpoint.create({
      data: { userId, url: `${receiver.url}/track`, eventTypes: ["email.opened"], secret: "whsec_dGVzdA==" },
    });
    const synced = await keepPlatformWebhookInStep();
    expect(synced).toMatchObject({ action: "updated", id: first.id });
    expect((await getResend().webhooks.get(first.id!)).data!.events).toContain("email.opened");
    expect(await keepPlatformWebhookInStep()).toBeNull(); // nothing changed: no call to Resend

    await db.webhookEndpoint.delete({ where: { id: listener.id } });
    expect(await keepPlatformWebhookInStep()).toMatchObject({ action: "updated" });
    expect((await getResend().webhooks.get(first.id!)).data!.events).not.toContain("email.opened");
  });
});

describe("email.sent comes from MailKit", () => {
  it("after resend:setup a send costs MailKit 2 requests, and the customer still gets email.sent then email.delivered", async () => {
    await syncPlatformWebhook({ endpoint: endpoint() });
    await createEndpoint(userId, { endpoint: `${receiver.url}/hooks`, events: ["email.sent", "email.delivered"] });

    const { id, resendId } = await sendThroughApi("delivered@resend.dev");
    await deliverUntil(() => receiver.received.length >= 2);

    // Into MailKit: the send itself, then Resend's email.delivered only.
    const webhooks = webhookRequestsInto(resendId);
    expect(webhooks).toEqual([{ type: "email.delivered", attempts: 1 }]);
    expect(1 + webhooks.reduce((n, w) => n + w.attempts, 0)).toBe(2);

    const sent = customerEvents().find((e) => e.type === "email.sent");
    const delivered = customerEvents().find((e) => e.type === "email.delivered");
    expect(sent).toEqual({
      type: "email.sent",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      data: {
        created_at: expect.any(String),
        email_id: id,
        message_id: expect.any(String),
        from: "Acme <hello@acme.test>",
        to: ["delivered@resend.dev"],
        subject: "Set up",
        tags: { campaign: "welcome" },
      },
    });
    expect(delivered).toMatchObject({ type: "email.delivered", data: { email_id: id } });
    await deliverUntil(() => true);
    expect(customerEvents().filter((e) => e.type === "email.sent")).toHaveLength(1);
  });

  // Listening for email.delivered too, the event takes the full transaction; for email.sent alone, the one-statement path.
  it.each([[["email.sent", "email.delivered"]], [["email.sent"]]])(
    "a scheduled send: when Resend sends it, an endpoint for %j gets email.sent once, ahead of email.delivered",
    async (events) => {
      await syncPlatformWebhook({ endpoint: endpoint() });
      await createEndpoint(userId, { endpoint: `${receiver.url}/hooks`, events });
      const scheduledAt = new Date(Date.now() + 60 * 60_000).toISOString();
      const { data, error } = await sdk.emails.send({
        from: "Acme <hello@acme.test>",
        to: "delivered@resend.dev",
        subject: "Later",
        html: "<p>later</p>",
        scheduledAt,
      });
      expect(error).toBeNull();
      await deliverQueued();
      await world.emulators.resend.idle();
      await deliverUntil(() => true);
      expect(await db.emailSend.findUniqueOrThrow({ where: { id: data!.id } })).toMatchObject({ status: "scheduled" });
      expect(customerEvents()).toEqual([]);

      expect(world.emulators.resend.sendScheduledNow()).toBe(1);
      await world.emulators.resend.idle();
      await deliverUntil(() => receiver.received.length >= events.length);
      await new Promise((r) => setTimeout(r, 200));
      await deliverUntil(() => true);
      // Each once; email.sent first in the endpoint's line (deliveries may run side by side, so arrival can vary).
      expect(
        customerEvents()
          .map((e) => e.type)
          .sort(),
      ).toEqual([...events].sort());
      const line = await db.webhookDelivery.findMany({ orderBy: [{ nextAttemptAt: "asc" }, { id: "asc" }] });
      expect(line.map((d) => d.eventType)).toEqual(events);
      expect(customerEvents()[0]).toMatchObject({ data: { email_id: data!.id, to: ["delivered@resend.dev"] } });
      expect(await db.emailSend.findUniqueOrThrow({ where: { id: data!.id } })).toMatchObject({ status: "delivered" });
    },
  );

  it("a team still subscribed to email.sent: it is recorded on the timeline, and customers get it once", async () => {
    const old = await createEndpoint(userId, { endpoint: `${receiver.url}/old`, events: ["email.sent"] });
    const { id, resendId } = await sendThroughApi("delivered@resend.dev");
    expect(webhookRequestsInto(resendId).map((w) => w.type)).toEqual(["email.sent", "email.delivered"]);

    await deliverUntil(() => receiver.received.length >= 1);
    await new Promise((r) => setTimeout(r, 200));
    await drainWebhookDeliveries();
    expect(customerEvents().map((e) => e.type)).toEqual(["email.sent"]);
    const timeline = await db.emailEvent.findMany({ where: { sendId: id }, orderBy: { occurredAt: "asc" } });
    expect(timeline.map((e) => e.type)).toEqual(["email.sent", "email.delivered"]);
    expect(await db.webhookDelivery.count({ where: { endpointId: old.endpoint.id } })).toBe(1);
  });
});
