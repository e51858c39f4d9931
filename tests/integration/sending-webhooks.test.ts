import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";

import { POST as resendWebhook } from "@/app/api/webhooks/resend/route";
import { db } from "@/lib/db";
import { sendEmails, toResendPayload, type Sender } from "@/lib/sending";
import { admit } from "@/lib/sending/admission";
import { drainDispatcher } from "@/lib/sending/dispatcher";

import { signedResendRequest } from "../support/resend-webhooks";
import { createFundedUser, outgoingEmail, withTestWorld } from "./helpers/environment";

/** Resend's delivery webhooks: signature, dedupe on svix-id, status moves, out-of-order and early events. */

const world = withTestWorld();

const email = (to: string) => outgoingEmail(to, { subject: "Events" });

async function waitForStatus(id: string, status: string, timeoutMs = 15_000) {
  // Generous: on a loaded CI machine three webhooks (sent, delivered, complained) can take more than 5 s.
  await drainDispatcher(); // hand what is queued to Resend, as the background dispatcher would
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const send = await db.emailSend.findUniqueOrThrow({
      where: { id },
      include: { events: { orderBy: { occurredAt: "asc" } } },
    });
    if (send.status === status) return send;
    if (Date.now() > deadline) throw new Error(`send ${id} is ${send.status}, expected ${status}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

let sender: Sender;
beforeAll(async () => {
  const { user, customerId } = await createFundedUser(world, 100, "events");
  sender = { userId: user.id, customerId, source: "dashboard" };
});

describe("delivery webhooks from the Resend emulator", () => {
  it.each([
    ["delivered@resend.dev", "delivered", ["email.sent", "email.delivered"]],
    ["bounced@resend.dev", "bounced", ["email.sent", "email.bounced"]],
    ["complained@resend.dev", "complained", ["email.sent", "email.delivered", "email.complained"]],
  ])("%s ends %s with its timeline", async (to, status, types) => {
    const result = await sendEmails(sender, [email(to)]);
    const send = await waitForStatus(result.emails[0]!.id, status);
    await world.emulators.resend.idle();
    const events = await db.emailEvent.findMany({ where: { sendId: send.id }, orderBy: { occurredAt: "asc" } });
    expect(events.map((e) => e.type)).toEqual(types);
    if (status === "bounced") expect(events[1]!.detail).toMatchObject({ bounce: { type: "Permanent" } });
  });

  it("a redelivered webhook (same svix-id) is recorded once", async () => {
    const result = await sendEmails(sender, [email("redeliver@example.com")]);
    await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const delivery = world.emulators.resend.webhooks.deliveries.find(
      (d) => d.type === "email.delivered" && d.body.includes(result.emails[0]!.id),
    )!;
    world.emulators.resend.webhooks.redeliver(delivery.id);
    world.emulators.resend.webhooks.redeliver(delivery.id);
    await world.emulators.resend.idle();
    expect(await db.emailEvent.count({ where: { sendId: result.emails[0]!.id, type: "email.delivered" } })).toBe(1);
    expect(await db.webhookReceipt.count({ where: { id: delivery.id } })).toBe(1);
  });
});

describe("the webhook route", () => {
  it("401 for a bad signature, and nothing changes", async () => {
    const result = await sendEmails(sender, [email("forged@example.com")]);
    await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const before = await db.emailEvent.count();
    const forged = signedResendRequest(
      {
        type: "email.bounced",
        created_at: new Date().toISOString(),
        data: {
          email_id: (await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } })).resendId,
          to: ["forged@example.com"],
        },
      },
      { id: "msg_forged", secret: "whsec_" + Buffer.from("someone-else").toString("base64") },
    );
    const response = await resendWebhook(forged);
    expect(response.status).toBe(401);
    expect(await db.emailEvent.count()).toBe(before);
    expect(await db.webhookReceipt.count({ where: { id: "msg_forged" } })).toBe(0);
    expect((await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } })).status).toBe("delivered");

    const unsigned = await resendWebhook(
      new Request("http://localhost/api/webhooks/resend", { method: "POST", body: "{}" }),
    );
    expect(unsigned.status).toBe(401);
  });

  it("an older event arriving late never overwrites a newer status", async () => {
    const result = await sendEmails(sender, [email("late@example.com")]);
    const send = await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const staleSent = signedResendRequest({
      type: "email.sent",
      created_at: new Date(Date.now() - 60_000).toISOString(),
      data: { email_id: send.resendId, to: ["late@example.com"] },
    });
    expect(await (await resendWebhook(staleSent)).json()).toMatchObject({ outcome: "recorded" });
    expect((await db.emailSend.findUniqueOrThrow({ where: { id: send.id } })).status).toBe("delivered");
  });

  it("an event time PostgreSQL cannot hold (year +210043) is read as now, not a 5xx", async () => {
    const result = await sendEmails(sender, [email("far@example.com")]);
    const send = await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const response = await resendWebhook(
      signedResendRequest({
        type: "email.delivery_delayed",
        created_at: "+210043-06-24T21:49:20.204Z",
        data: { email_id: send.resendId, to: ["far@example.com"] },
      }),
    );
    expect(response.status).toBe(200);
    const events = await db.emailEvent.findMany({ where: { sendId: send.id, type: "email.delivery_delayed" } });
    expect(events).toHaveLength(1);
    expect(Math.abs(events[0]!.occurredAt.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("events for emails that are not customers' sends are acknowledged and ignored", async () => {
    const response = await resendWebhook(
      signedResendRequest({
        type: "email.delivered",
        created_at: new Date().toISOString(),
        data: { email_id: randomUUID(), to: ["someone@example.com"] },
      }),
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ outcome: "ignored" });
  });

  it("an event that arrives before the acceptance is recorded, then applied when the send settles", async () => {
    const id = randomUUID();
    const payload = toResendPayload(email("early@example.com"), id);
    await admit({
      customerId: sender.customerId!,
      rows: [
        {
          id,
          userId: sender.userId,
          customerId: sender.customerId!,
          apiKeyId: null,
          source: "api",
          batchId: null,
          batchIndex: null,
          fromAddress: "hello@acme.test",
          to: ["early@example.com"],
          cc: [],
          bcc: [],
          subject: "Events",
          payload,
          cost: 1,
          batchable: true,
        },
      ],
    });
    const early = signedResendRequest({
      type: "email.delivered",
      created_at: new Date(Date.now() + 5_000).toISOString(),
      data: { email_id: randomUUID(), to: ["early@example.com"], tags: { mailkit_send_id: id } },
    });
    expect(await (await resendWebhook(early)).json()).toMatchObject({ outcome: "recorded" });
    expect((await db.emailSend.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
    await drainDispatcher();
    expect((await db.emailSend.findUniqueOrThrow({ where: { id } })).status).toBe("delivered");
  });
});

describe("one status order for every event path", () => {
  const at = (send: { resendId: string | null }, type: string, time: string, to: string) =>
    signedResendRequest({ type, created_at: time, data: { email_id: send.resendId, to: [to] } });

  it("at equal times the higher rank wins whatever the arrival order (one-statement path: delivered, then sent)", async () => {
    const result = await sendEmails(sender, [email("tie@example.com")]);
    const send = await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const time = new Date(Date.now() + 60_000).toISOString();
    expect((await resendWebhook(at(send, "email.delivered", time, "tie@example.com"))).status).toBe(200);
    expect(await (await resendWebhook(at(send, "email.sent", time, "tie@example.com"))).json()).toMatchObject({
      outcome: "recorded",
    });
    expect((await db.emailSend.findUniqueOrThrow({ where: { id: send.id } })).status).toBe("delivered");
  });

  it("a delivery outcome is never replaced by a later progress event (transaction path too)", async () => {
    const result = await sendEmails(sender, [email("outcome@example.com")]);
    const send = await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const later = new Date(Date.now() + 120_000).toISOString();
    await resendWebhook(at(send, "email.delivery_delayed", later, "outcome@example.com"));
    expect((await db.emailSend.findUniqueOrThrow({ where: { id: send.id } })).status).toBe("delivered");
    // A complaint at the same time as the delivery outranks it; the delivery arriving again changes nothing.
    const time = new Date(Date.now() + 180_000).toISOString();
    await resendWebhook(at(send, "email.complained", time, "outcome@example.com"));
    await resendWebhook(at(send, "email.delivered", time, "outcome@example.com"));
    expect((await db.emailSend.findUniqueOrThrow({ where: { id: send.id } })).status).toBe("complained");
  });
});

describe("credit-backs", () => {
  it("a signed email.failed for an already delivered email credits nothing back", async () => {
    const result = await sendEmails(sender, [email("delivered-then-failed@example.com")]);
    const send = await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const failed = signedResendRequest({
      type: "email.failed",
      created_at: new Date().toISOString(),
      data: { email_id: send.resendId, to: ["delivered-then-failed@example.com"], failed: { reason: "x" } },
    });
    expect((await resendWebhook(failed)).status).toBe(200);
    expect(await db.creditBack.count({ where: { sendId: send.id } })).toBe(0);
  });

  it("a bounce listing other addresses suppresses only the send's own recipient", async () => {
    const result = await sendEmails(sender, [email("own@example.com")]);
    const send = await waitForStatus(result.emails[0]!.id, "delivered");
    await world.emulators.resend.idle();
    const bounce = signedResendRequest({
      type: "email.bounced",
      created_at: new Date(Date.now() + 60_000).toISOString(),
      data: {
        email_id: send.resendId,
        to: ["own@example.com", "victim@example.com"],
        bounce: { type: "Permanent", subType: "General", message: "550 victim@example.com unknown" },
      },
    });
    expect((await resendWebhook(bounce)).status).toBe(200);
    const listed = await db.suppression.findMany({ where: { sendId: send.id }, select: { address: true } });
    expect(listed.map((s) => s.address)).toEqual(["own@example.com"]);
  });
});
