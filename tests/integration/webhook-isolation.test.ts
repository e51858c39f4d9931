import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { startLoop, stopLoop } from "@/lib/runtime/loops";
import { sendEmails, type Sender } from "@/lib/sending";
import { configureWebhooks, createEndpoint, WEBHOOK_DELIVERY_LOOP, webhookDeliveryPass } from "@/lib/webhooks";

import { startWebhookReceiver, type WebhookReceiver } from "../support/webhook-receiver";
import { createFundedUser, deliverQueued, outgoingEmail, withTestWorld } from "./helpers/environment";

/**
 * Noisy neighbours on the shared customer-webhook pool, with the delivery loop running as in production: a hostile
 * customer's endpoint that never answers, or answers 500 through a burst, while another customer's `email.sent`
 * and `email.delivered` webhooks are timed. They must reach the endpoint within 5 s of MailKit learning the
 * event, and once the outage ends the hostile endpoint still receives every one of its events (nothing failed,
 * nothing disabled).
 */

const world = withTestWorld();
const BOUND_MS = 5_000;
let hostile: { sender: Sender; receiver: WebhookReceiver };
let victim: { sender: Sender; receiver: WebhookReceiver };

async function customer(name: string, credits: number, domain: string) {
  const { user, customerId } = await createFundedUser(world, credits, name, { domain });
  const receiver = await startWebhookReceiver();
  await createEndpoint(user.id, { endpoint: `${receiver.url}/hook`, events: ["email.sent", "email.delivered"] });
  return { sender: { userId: user.id, customerId, source: "dashboard" } as Sender, receiver };
}

beforeAll(async () => {
  configureWebhooks({ allowLoopback: true, failingPauseMaxMs: 2_000 });
  hostile = await customer("hostile", 400, "acme.test");
  victim = await customer("victim", 20, "victim.test");
  startLoop(WEBHOOK_DELIVERY_LOOP, 1_000, webhookDeliveryPass);
});

afterAll(async () => {
  stopLoop(WEBHOOK_DELIVERY_LOOP);
  configureWebhooks({});
  await hostile?.receiver.close();
  await victim?.receiver.close();
});

async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 25) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

const eventsOf = (receiver: WebhookReceiver) =>
  receiver.received.map((r) => ({ id: String(r.headers["webhook-id"]), ...JSON.parse(r.body) }));

/**
 * The victim sends one email; how long until its email.sent and email.delivered reach its endpoint, counted from
 * the send and from the moment MailKit learned the earlier event (the part the delivery pool owns; the rest is
 * the dispatcher and Resend's webhooks).
 */
async function victimWebhookLatency(): Promise<{ fromSend: number; fromEvent: number }> {
  const started = Date.now();
  const { emails } = await sendEmails(victim.sender, [
    outgoingEmail("delivered@resend.dev", { from: "Victim <hi@victim.test>", subject: "Timed" }),
  ]);
  await deliverQueued();
  const id = emails[0]!.id;
  const types = () => new Set(eventsOf(victim.receiver).flatMap((e) => (e.data.email_id === id ? [e.type] : [])));
  await until("the victim's email.sent and email.delivered", () => types().size === 2, 60_000);
  const arrived = Date.now();
  const rows = await db.webhookDelivery.findMany({
    where: { endpoint: { userId: victim.sender.userId }, payload: { path: ["data", "email_id"], equals: id } },
  });
  expect(rows).toHaveLength(2);
  const learned = Math.min(...rows.map((r) => r.createdAt.getTime()));
  return { fromSend: arrived - started, fromEvent: arrived - learned };
}

/** The hostile customer sends `count` emails; returns how many events MailKit learned from Resend for them. */
async function hostileBurst(count: number): Promise<number> {
  const emails = Array.from({ length: count }, (_, i) => outgoingEmail(`burst-${i}@example.com`));
  for (let i = 0; i < emails.length; i += 100) await sendEmails(hostile.sender, emails.slice(i, i + 100));
  await deliverQueued();
  await world.emulators.resend.idle();
  return db.webhookDelivery.count({ where: { endpoint: { userId: hostile.sender.userId } } });
}

/** After the outage: every hostile event arrives (once it is due), none failed, the endpoint still enabled. */
async function hostileGetsEverything(expected: number) {
  hostile.receiver.respond = () => 200;
  let succeeded = 0;
  const where = { endpoint: { userId: hostile.sender.userId } };
  await until(
    "every hostile event after the outage",
    async () => {
      // As if the backoff had passed: what waits for a retry is due now.
      await db.webhookDelivery.updateMany({
        where: { ...where, status: "pending" },
        data: { nextAttemptAt: new Date() },
      });
      succeeded = await db.webhookDelivery.count({ where: { ...where, status: "succeeded" } });
      return succeeded === expected;
    },
    240_000,
    500,
  ).catch((error) => {
    throw new Error(`${(error as Error).message} (${succeeded} of ${expected} delivered)`);
  });
  expect(await db.webhookDelivery.count({ where: { ...where, status: { not: "succeeded" } } })).toBe(0);
  const received = new Set(
    eventsOf(hostile.receiver)
      .filter((e) => e.type)
      .map((e) => e.id),
  );
  expect(received.size).toBe(expected);
  expect(await db.webhookEndpoint.findFirstOrThrow({ where: { userId: hostile.sender.userId } })).toMatchObject({
    status: "enabled",
    failureStreak: 0,
  });
  await db.webhookDelivery.deleteMany({ where });
  hostile.receiver.received.length = 0;
}

describe("one customer's endpoint never slows another's webhooks", () => {
  it("an endpoint that never answers (60 emails): the other customer's webhooks arrive within 5 s", async () => {
    const quiet = await victimWebhookLatency();
    hostile.receiver.respond = () => 0; // hangs: every attempt runs into the timeout
    const events = await hostileBurst(60);
    expect(events).toBeGreaterThan(0);
    await until("the hostile endpoint hanging", () => hostile.receiver.received.length > 0, 10_000);
    const noisy = await victimWebhookLatency();
    console.log(`[webhook isolation] never answers: quiet ${JSON.stringify(quiet)}, noisy ${JSON.stringify(noisy)}`);
    expect(noisy.fromEvent).toBeLessThan(BOUND_MS);
    // The hanging endpoint holds only its own few slots of the pool.
    const inFlight = await db.webhookDelivery.count({
      where: { endpoint: { userId: hostile.sender.userId }, status: "pending", leaseUntil: { gt: new Date() } },
    });
    expect(inFlight).toBeLessThanOrEqual(4);
    await hostileGetsEverything(events);
  }, 180_000);

  it("an endpoint answering 500 through a 200-email burst: other webhooks on time, nothing lost", async () => {
    hostile.receiver.respond = () => 500;
    const events = await hostileBurst(200);
    expect(events).toBeGreaterThan(0);
    const noisy = await victimWebhookLatency();
    console.log(`[webhook isolation] 500s during a burst: noisy ${JSON.stringify(noisy)}`);
    expect(noisy.fromEvent).toBeLessThan(BOUND_MS);
    expect(hostile.receiver.received.length).toBeGreaterThan(0);
    await hostileGetsEverything(events);
  }, 400_000);
});
