import { Resend } from "resend";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import * as replaySinceRoute from "@/app/api/webhooks/[id]/replay/route";
import { createApiKey } from "@/lib/keys/api-keys";
import { recordLowBalance } from "@/lib/billing/low-balance";
import { db } from "@/lib/db";
import { drainJobs } from "@/lib/outbox/worker";
import { sendEmails, type Sender } from "@/lib/sending";
import {
  configureWebhooks,
  createEndpoint,
  drainWebhookDeliveries,
  emitDomainUpdated,
  listDeliveries,
  replayDelivery,
} from "@/lib/webhooks";

import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { createFundedUser, deliverQueued, outgoingEmail, withTestWorld } from "./helpers/environment";

/**
 * Customer webhooks end to end: registered through the `resend` SDK against MailKit's API, events of a real send
 * (through the Resend emulator's delivery webhooks) delivered to a local receiver, signed so that
 * `standardwebhooks` verifies them, retried after 500s, replayed from the log (one event, or everything since a
 * moment), disabled after a day of failures (owner emailed, events kept until it is enabled), the endpoint cap
 * held under parallel registrations, and SSRF targets refused at registration and at delivery.
 */

const world = withTestWorld();
let receiver: WebhookReceiver;
let sender: Sender;
let userId: string;
let userEmail: string;
let sdk: Resend;
let apiKey: string;

const TEST_CONFIG = {
  retryDelaysMs: [0, 0, 0],
  firstAttemptTimeoutMs: 5_000,
  timeoutMs: 5_000,
  failingPauseMaxMs: 0,
  allowLoopback: true,
};

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const { user, customerId } = await createFundedUser(world, 100, "hooks");
  userId = user.id;
  userEmail = user.email;
  sender = { userId, customerId, source: "dashboard" };
  const key = await createApiKey(userId, { name: "hooks", permission: "full_access", rateLimitPerSecond: 1000 });
  apiKey = key.token;
  sdk = new Resend(key.token, { baseUrl: `${world.app.url}/api` });
});

afterAll(async () => {
  configureWebhooks({});
  await receiver?.close();
});

beforeEach(async () => {
  configureWebhooks(TEST_CONFIG);
  receiver.respond = () => 200;
  receiver.received.length = 0;
  await db.webhookEndpoint.deleteMany({ where: { userId } });
});

/** Runs the delivery loop until `done` holds (deliveries may wait for Resend's webhooks to arrive first). */
async function deliverUntil(done: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await drainWebhookDeliveries();
    if (await done()) return;
    if (Date.now() > deadline) throw new Error("webhooks did not arrive in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function sendOne(to: string) {
  const result = await sendEmails(sender, [outgoingEmail(to, { subject: "Hooked" })]);
  await deliverQueued();
  return result.emails[0]!.id;
}

const received = (path: string) => receiver.received.filter((r) => r.path === path);

describe("registering endpoints through the resend SDK", () => {
  it("creates, lists, gets (secret masked), updates, rotates and removes", async () => {
    const created = await sdk.webhooks.create({ endpoint: `${receiver.url}/sdk`, events: ["email.sent"] });
    expect(created.error).toBeNull();
    expect(created.data!.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/=]+$/);
    const id = created.data!.id;

    const list = await sdk.webhooks.list();
    expect(list.data!.data.map((w) => w.id)).toEqual([id]);
    const got = await sdk.webhooks.get(id);
    expect(got.data).toMatchObject({ id, endpoint: `${receiver.url}/sdk`, status: "enabled", events: ["email.sent"] });
    expect(got.data!.signing_secret).not.toBe(created.data!.signing_secret);

    const updated = await sdk.webhooks.update(id, { events: ["email.sent", "email.bounced"], status: "disabled" });
    expect(updated.error).toBeNull();
    expect((await sdk.webhooks.get(id)).data).toMatchObject({
      status: "disabled",
      events: ["email.sent", "email.bounced"],
    });

    const rotated = await sdk.webhooks.rotateSigningSecret(id);
    expect(rotated.data!.signing_secret).toMatch(/^whsec_/);
    expect(rotated.data!.signing_secret).not.toBe(created.data!.signing_secret);
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id } })).secret).toBe(rotated.data!.signing_secret);

    expect((await sdk.webhooks.remove(id)).data).toMatchObject({ id, deleted: true });
    expect((await sdk.webhooks.get(id)).error).toMatchObject({ statusCode: 404 });
  });

  it("refuses unknown event types with Resend's error shape", async () => {
    const { error } = await sdk.webhooks.create({ endpoint: `${receiver.url}/x`, events: ["email.opened"] });
    expect(error).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(error!.message).toContain("Unsupported event type");
  });
});

describe("delivery", () => {
  it("a send's events reach the endpoint signed (standardwebhooks verifies them) with MailKit's email id", async () => {
    const { data } = await sdk.webhooks.create({
      endpoint: `${receiver.url}/signed`,
      events: ["email.sent", "email.delivered"],
    });
    const secret = data!.signing_secret;
    const id = await sendOne("delivered@resend.dev");
    await deliverUntil(() => received("/signed").length >= 2);

    const verifier = new Webhook(secret);
    const events = received("/signed").map((r) => {
      const headers = {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      };
      expect(headers["webhook-id"]).toMatch(/^msg_/);
      return verifier.verify(r.body, headers) as { type: string; created_at: string; data: Record<string, unknown> };
    });
    expect(events.map((e) => e.type).sort()).toEqual(["email.delivered", "email.sent"]);
    for (const event of events)
      expect(event.data).toMatchObject({ email_id: id, to: ["delivered@resend.dev"], subject: "Hooked" });
    // A wrong secret does not verify.
    expect(() =>
      new Webhook("whsec_" + Buffer.from("not-the-secret").toString("base64")).verify(received("/signed")[0]!.body, {
        "webhook-id": String(received("/signed")[0]!.headers["webhook-id"]),
        "webhook-timestamp": String(received("/signed")[0]!.headers["webhook-timestamp"]),
        "webhook-signature": String(received("/signed")[0]!.headers["webhook-signature"]),
      }),
    ).toThrow();
    const log = await listDeliveries(userId, data!.id);
    expect(log.every((d) => d.status === "succeeded" && d.lastResponseStatus === 200 && d.attempts === 1)).toBe(true);
  });

  it("only subscribed types are delivered: a bounce reaches an email.bounced endpoint with Resend's bounce detail", async () => {
    await createEndpoint(userId, { endpoint: `${receiver.url}/bounces`, events: ["email.bounced"] });
    const id = await sendOne("bounced@resend.dev");
    await deliverUntil(() => received("/bounces").length >= 1);
    await world.emulators.resend.idle();
    await drainWebhookDeliveries();
    const events = received("/bounces").map((r) => JSON.parse(r.body));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "email.bounced", data: { email_id: id, bounce: { type: "Permanent" } } });
  });

  it("a receiver answering 500 is retried with the same webhook-id until it succeeds", async () => {
    receiver.respond = (_r, index) => (index < 2 ? 500 : 204);
    const { endpoint } = await createEndpoint(userId, { endpoint: `${receiver.url}/flaky`, events: ["email.sent"] });
    await sendOne("retry@example.com");
    await deliverUntil(() => received("/flaky").length >= 3);
    const ids = new Set(received("/flaky").map((r) => r.headers["webhook-id"]));
    expect(ids.size).toBe(1);
    const [delivery] = await listDeliveries(userId, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 3, lastResponseStatus: 204 });
    expect((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).failureStreak).toBe(0);
  });

  it("replay from the log delivers the same event again (same id, same payload)", async () => {
    const { endpoint } = await createEndpoint(userId, { endpoint: `${receiver.url}/replay`, events: ["email.sent"] });
    await sendOne("replay@example.com");
    await deliverUntil(() => received("/replay").length >= 1);
    const [delivery] = await listDeliveries(userId, endpoint.id);
    await replayDelivery(userId, delivery!.id);
    await deliverUntil(() => received("/replay").length >= 2);
    const [first, second] = received("/replay");
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]);
    expect(JSON.parse(second!.body)).toEqual(JSON.parse(first!.body));
    // The same log through the resend SDK: list, get (with the payload) and replay.
    const events = await sdk.webhooks.events.list({ webhookId: endpoint.id });
    expect(events.data!.data).toEqual([
      { id: first!.headers["webhook-id"], type: "email.sent", created_at: expect.any(String), status: "success" },
    ]);
    const event = await sdk.webhooks.events.get({
      webhookId: endpoint.id,
      eventId: String(first!.headers["webhook-id"]),
    });
    expect(event.data).toMatchObject({ object: "webhook_event", status: "success", payload: JSON.parse(first!.body) });
    const replayed = await sdk.webhooks.events.replay({
      webhookId: endpoint.id,
      eventId: String(first!.headers["webhook-id"]),
    });
    expect(replayed.error).toBeNull();
    await deliverUntil(() => received("/replay").length >= 3);
    expect(received("/replay")[2]!.body).toBe(first!.body);
    expect((await sdk.webhooks.events.get({ webhookId: endpoint.id, eventId: "msg_nope" })).error).toMatchObject({
      statusCode: 404,
    });
    // Another customer cannot replay it.
    const other = await db.user.create({ data: { email: `other-${Date.now()}@example.com` } });
    await expect(replayDelivery(other.id, delivery!.id)).rejects.toThrow(/not found/);
  });

  it("a hung endpoint times out and a redirect is not followed: both are failed attempts, retried", async () => {
    configureWebhooks({ ...TEST_CONFIG, firstAttemptTimeoutMs: 300, retryDelaysMs: [60_000] });
    receiver.respond = (r) => (r.path === "/hang" ? 0 : 302);
    const hang = await createEndpoint(userId, { endpoint: `${receiver.url}/hang`, events: ["email.sent"] });
    const moved = await createEndpoint(userId, { endpoint: `${receiver.url}/moved`, events: ["email.sent"] });
    await sendOne("slow@example.com");
    // email.sent is due at once (settle); let Resend's webhooks be handled first: with the embedded database in this
    // process they would hold the event loop past the 300 ms timeout of these attempts.
    await world.emulators.resend.idle();
    await deliverUntil(async () => {
      const logs = [
        ...(await listDeliveries(userId, hang.endpoint.id)),
        ...(await listDeliveries(userId, moved.endpoint.id)),
      ];
      return logs.length === 2 && logs.every((d) => d.attempts === 1 && d.lastError);
    });
    const [hung] = await listDeliveries(userId, hang.endpoint.id);
    expect(hung).toMatchObject({ status: "pending", lastResponseStatus: null });
    expect(hung!.lastError).toMatch(/No response within 300 ms/);
    expect(hung!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 30_000); // the next try waits its backoff
    const [redirected] = await listDeliveries(userId, moved.endpoint.id);
    expect(redirected).toMatchObject({ status: "pending", lastResponseStatus: 302 });
    expect(redirected!.lastError).toMatch(/redirects are not followed/);
    expect(received("/redirected")).toHaveLength(0);
  });

  it("several delivery passes at once share the work: every event arrives exactly once", async () => {
    const { endpoint } = await createEndpoint(userId, { endpoint: `${receiver.url}/many`, events: ["domain.updated"] });
    configureWebhooks({ ...TEST_CONFIG, concurrency: 5 });
    await db.$transaction(async (tx) => {
      for (let i = 0; i < 30; i++)
        await emitDomainUpdated(tx, userId, {
          id: `d_${i}`,
          name: `d${i}.acme.test`,
          status: "verified",
          created_at: new Date().toISOString(),
          region: "us-east-1",
          records: [],
        });
    });
    await Promise.all([drainWebhookDeliveries(), drainWebhookDeliveries(), drainWebhookDeliveries()]);
    await deliverUntil(() => received("/many").length >= 30);
    const ids = received("/many").map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    const log = await listDeliveries(userId, endpoint.id);
    expect(log.every((d) => d.status === "succeeded" && d.attempts === 1)).toBe(true);
  });

  it("a delivery leased by another instance is left alone until its lease runs out, then taken over", async () => {
    const { endpoint } = await createEndpoint(userId, {
      endpoint: `${receiver.url}/leased`,
      events: ["domain.updated"],
    });
    await db.$transaction((tx) =>
      emitDomainUpdated(tx, userId, {
        id: "d_lease",
        name: "lease.acme.test",
        status: "verified",
        created_at: new Date().toISOString(),
        region: "us-east-1",
        records: [],
      }),
    );
    // Another instance claimed it and died mid-attempt.
    await db.webhookDelivery.updateMany({
      where: { endpointId: endpoint.id },
      data: { attempts: 1, leaseUntil: new Date(Date.now() + 3600_000) },
    });
    await drainWebhookDeliveries();
    expect(received("/leased")).toHaveLength(0);
    await db.webhookDelivery.updateMany({ where: { endpointId: endpoint.id }, data: { leaseUntil: new Date(0) } });
    await deliverUntil(() => received("/leased").length === 1);
    const [delivery] = await listDeliveries(userId, endpoint.id);
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("an endpoint failing for a day is disabled, its events wait, the owner is emailed; enabling delivers them", async () => {
    configureWebhooks({ ...TEST_CONFIG, retryDelaysMs: [0, 0, 60_000, 60_000] });
    receiver.respond = () => 500;
    const { endpoint } = await createEndpoint(userId, { endpoint: `${receiver.url}/down`, events: ["email.sent"] });
    await sendOne("down@example.com");
    await deliverUntil(() => received("/down").length >= 3);
    // Minutes of failures change nothing …
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      status: "enabled",
      failureStreak: 3,
    });
    // … a day of them does (at the next failed attempt).
    await db.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { failingSince: new Date(Date.now() - 25 * 3600_000) },
    });
    await db.webhookDelivery.updateMany({ where: { endpointId: endpoint.id }, data: { nextAttemptAt: new Date() } });
    await drainWebhookDeliveries();
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
    expect(row.status).toBe("disabled");
    expect(row.disabledReason).toMatch(/failing for 25 hours/);
    const [delivery] = await listDeliveries(userId, endpoint.id);
    expect(delivery).toMatchObject({ status: "pending", lastResponseStatus: 500 });
    // Nothing more is attempted for a disabled endpoint; replay asks to enable it first.
    const attempts = received("/down").length;
    await drainWebhookDeliveries();
    expect(received("/down")).toHaveLength(attempts);
    await expect(replayDelivery(userId, delivery!.id)).rejects.toThrow(/Enable the endpoint/);

    await drainJobs(["email.webhook_disabled"]);
    const notice = world.emulators.resend.messages({ to: userEmail });
    expect(notice.map((m) => m.subject)).toContain("Your MailKit webhook endpoint was disabled");

    // Fixed and enabled again: the waiting event is delivered at once (same webhook-id as the failed attempts).
    receiver.respond = () => 200;
    expect((await sdk.webhooks.update(endpoint.id, { status: "enabled" })).error).toBeNull();
    await drainWebhookDeliveries();
    expect(received("/down")).toHaveLength(attempts + 1);
    expect(new Set(received("/down").map((r) => r.headers["webhook-id"])).size).toBe(1);
    expect((await listDeliveries(userId, endpoint.id))[0]).toMatchObject({ status: "succeeded", attempts: 1 });
    expect(await db.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } })).toMatchObject({
      status: "enabled",
      failureStreak: 0,
      failingSince: null,
    });
  });

  it("replay since a moment delivers every finished event from then on again, and nothing older", async () => {
    const { endpoint } = await createEndpoint(userId, { endpoint: `${receiver.url}/bulk`, events: ["domain.updated"] });
    const emit = (i: number) =>
      db.$transaction((tx) =>
        emitDomainUpdated(tx, userId, {
          id: `d_bulk_${i}`,
          name: `bulk${i}.acme.test`,
          status: "verified",
          created_at: new Date().toISOString(),
          region: "us-east-1",
          records: [],
        }),
      );
    await emit(0);
    await db.webhookDelivery.updateMany({
      where: { endpointId: endpoint.id },
      data: { createdAt: new Date(Date.now() - 3 * 3600_000) },
    });
    for (let i = 1; i <= 4; i++) await emit(i);
    receiver.respond = (r) => (JSON.parse(r.body).data.id === "d_bulk_4" ? 500 : 200);
    configureWebhooks({ ...TEST_CONFIG, retryDelaysMs: [] });
    await drainWebhookDeliveries();
    expect(received("/bulk")).toHaveLength(5);
    receiver.respond = () => 200;

    const replay = (body: unknown, id = endpoint.id) =>
      replaySinceRoute.POST(
        new Request(`${world.app.url}/api/webhooks/${id}/replay`, {
          method: "POST",
          headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
        { params: Promise.resolve({ id }) },
      );
    const since = new Date(Date.now() - 3600_000).toISOString();
    const response = await replay({ since });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ object: "webhook_replay", webhook_id: endpoint.id, since, replayed: 4 });
    await drainWebhookDeliveries();
    const again = received("/bulk").slice(5);
    expect(again.map((r) => JSON.parse(r.body).data.id).sort()).toEqual([
      "d_bulk_1",
      "d_bulk_2",
      "d_bulk_3",
      "d_bulk_4",
    ]);
    expect((await listDeliveries(userId, endpoint.id)).every((d) => d.status === "succeeded")).toBe(true);

    // Bad input is a 4xx with a JSON reason and changes nothing.
    for (const [body, status] of [
      [{ since: "yesterday" }, 422],
      [{}, 422],
      [{ since: new Date(Date.now() + 3600_000).toISOString() }, 422],
    ] as const) {
      const bad = await replay(body);
      expect(bad.status, JSON.stringify(body)).toBe(status);
      expect(await bad.json()).toMatchObject({ name: "validation_error", message: expect.any(String) });
    }
    expect((await replay({ since }, "c".repeat(25))).status).toBe(404);
    await db.webhookEndpoint.update({ where: { id: endpoint.id }, data: { status: "disabled" } });
    expect(await (await replay({ since })).json()).toMatchObject({ message: expect.stringMatching(/Enable/) });
    await drainWebhookDeliveries();
    expect(received("/bulk")).toHaveLength(9);
  });

  it("30 parallel registrations stop at the cap of 10 endpoints", async () => {
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        sdk.webhooks.create({ endpoint: `${receiver.url}/cap${i}`, events: ["email.sent"] }),
      ),
    );
    expect(results.filter((r) => r.data).length).toBe(10);
    const refused = results.filter((r) => r.error);
    expect(refused).toHaveLength(20);
    for (const r of refused)
      expect(r.error).toMatchObject({ statusCode: 422, message: expect.stringMatching(/up to 10/) });
    expect(await db.webhookEndpoint.count({ where: { userId } })).toBe(10);
  });

  it("an email Resend refuses reaches email.failed endpoints with the reason", async () => {
    await createEndpoint(userId, { endpoint: `${receiver.url}/failed`, events: ["email.failed", "email.sent"] });
    const result = await sendEmails(sender, [outgoingEmail("refused@example.com", { subject: "Refused" })]);
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails",
      status: 403,
      body: { statusCode: 403, name: "validation_error", message: "The acme.test domain is not verified." },
      count: 1,
    });
    await deliverQueued();
    await deliverUntil(() => received("/failed").length >= 1);
    const events = received("/failed").map((r) => JSON.parse(r.body));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: "email.failed",
      data: { email_id: result.emails[0]!.id, to: ["refused@example.com"], subject: "Refused" },
    });
    expect(events[0].data.failed.reason).toContain("not verified");
  });

  it("credit.balance_low and domain.updated are delivered to subscribed endpoints", async () => {
    await createEndpoint(userId, {
      endpoint: `${receiver.url}/account`,
      events: ["credit.balance_low", "domain.updated"],
    });
    const account = await db.creditAccount.findUniqueOrThrow({ where: { userId } });
    await db.creditAccount.update({ where: { userId }, data: { allowance: 5000, lowBalanceSince: null } });
    await db.$transaction((tx) => recordLowBalance(tx, account.customerId, `test-${Date.now()}`));
    await db.$transaction((tx) =>
      emitDomainUpdated(tx, userId, {
        id: "d_1",
        name: "acme.test",
        status: "verified",
        created_at: new Date().toISOString(),
        region: "us-east-1",
        records: [],
      }),
    );
    await deliverUntil(() => received("/account").length >= 2);
    const events = received("/account").map((r) => JSON.parse(r.body));
    expect(events.map((e) => e.type).sort()).toEqual(["credit.balance_low", "domain.updated"]);
    expect(events.find((e) => e.type === "credit.balance_low").data).toMatchObject({
      threshold: 1000,
      allowance: 5000,
    });
  });
});

describe("SSRF", () => {
  it.each([
    "https://10.0.0.1/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/hook",
    "https://[fd00::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://0x0a000001/hook",
    "https://metadata.internal/hook",
    "https://intranet/hook",
    "http://example.com/hook",
    "ftp://example.com/hook",
  ])("registration refuses %s", async (url) => {
    const { error } = await sdk.webhooks.create({ endpoint: url, events: ["email.sent"] });
    expect(error).toMatchObject({ statusCode: 422, name: "validation_error" });
  });

  it("loopback is allowed only in local mode", async () => {
    configureWebhooks({ ...TEST_CONFIG, allowLoopback: false });
    for (const url of [`${receiver.url}/x`, "https://localhost/x", "https://2130706433/x", "https://[::1]/x"]) {
      const { error } = await sdk.webhooks.create({ endpoint: url, events: ["email.sent"] });
      expect(error, url).toMatchObject({ statusCode: 422 });
    }
  });

  it("a name that resolves to a private address is refused at registration", async () => {
    configureWebhooks({ ...TEST_CONFIG, resolve: async () => [{ address: "10.1.2.3", family: 4 }] });
    const { error } = await sdk.webhooks.create({ endpoint: "https://private.example.com/x", events: ["email.sent"] });
    expect(error!.message).toContain("10.1.2.3");
  });

  it("delivery re-resolves: a name rebound to a private address after registration is not contacted", async () => {
    let answer = "93.184.216.34";
    configureWebhooks({ ...TEST_CONFIG, resolve: async () => [{ address: answer, family: 4 }] });
    const { endpoint } = await createEndpoint(userId, {
      endpoint: "https://rebind.example.com/hook",
      events: ["email.sent"],
    });
    answer = "10.9.8.7"; // DNS rebinding: the name now points inside the network
    await sendOne("rebind@example.com");
    await deliverUntil(async () => (await listDeliveries(userId, endpoint.id)).some((d) => d.attempts > 0));
    const [delivery] = await listDeliveries(userId, endpoint.id);
    expect(delivery!.lastError).toContain("10.9.8.7");
    expect(delivery!.lastResponseStatus).toBeNull();
  });
});
