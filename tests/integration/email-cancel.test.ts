import { Resend } from "resend";
import { afterEach, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/keys/api-keys";
import { flushAllDebits } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { cancelScheduledEmail } from "@/lib/sending/cancel";
import { drainDispatcher } from "@/lib/sending/dispatcher";

import {
  createFundedUser,
  deliverQueued,
  dodoBalance,
  mailkitCredits,
  settleOutbox,
  withTestWorld,
} from "./helpers/environment";

/**
 * Cancelling a scheduled email (POST /api/emails/{id}/cancel, Resend's emails.cancel): before it reached Resend the
 * hold is released; at Resend it is cancelled there first, then its captured credit comes back (undone while
 * unbilled, a Dodo credit-back once debited). Every path returns the credit exactly once.
 */

const world = withTestWorld();
afterEach(() => world.emulators.resend.faults.clear());

const message = { from: "Acme <hello@acme.test>", subject: "Later", html: "<p>Later</p>" };
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

async function customerWithKey(credits: number, permission: "full_access" | "sending_access" = "full_access") {
  const { user, customerId } = await createFundedUser(world, credits, "cancel");
  const key = await createApiKey(user.id, { name: "test", permission, rateLimitPerSecond: 1000 });
  return { user, customerId, token: key.token, resend: new Resend(key.token, { baseUrl: world.app.apiBase }) };
}

async function schedule(resend: Resend, to = "later@example.com"): Promise<string> {
  const sent = await resend.emails.send({ ...message, to, scheduledAt: inAnHour() });
  expect(sent.error).toBeNull();
  return sent.data!.id;
}

const status = async (id: string) => (await db.emailSend.findUniqueOrThrow({ where: { id } })).status;
const resendIdOf = async (id: string) => (await db.emailSend.findUniqueOrThrow({ where: { id } })).resendId!;
const entriesFor = (id: string) =>
  db.creditEntry.findMany({ where: { reference: `cancel:${id}` }, orderBy: { createdAt: "asc" } });

describe("cancelling a scheduled email", () => {
  it("still in MailKit's queue: releases the hold once, and Resend never hears of it", async () => {
    const { resend, customerId } = await customerWithKey(3);
    const id = await schedule(resend);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 1, available: 2 });

    const canceled = await resend.emails.cancel(id);
    expect(canceled.error).toBeNull();
    expect(canceled.data).toEqual({ object: "email", id });
    expect(await status(id)).toBe("canceled");
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 0, available: 3 });

    // A second cancel answers the same and moves nothing.
    expect((await resend.emails.cancel(id)).data).toEqual({ object: "email", id });
    expect((await entriesFor(id)).map((e) => [e.kind, e.amount])).toEqual([["release", -1]]);

    const atResendBefore = world.emulators.resend.messages({ q: "later@example.com" }).length;
    await deliverQueued();
    expect(world.emulators.resend.messages({ q: "later@example.com" })).toHaveLength(atResendBefore);
    expect(await status(id)).toBe("canceled");
    expect((await resend.emails.get(id)).data).toMatchObject({ last_event: "canceled", status: "canceled" });
    await settleOutbox();
    expect(await dodoBalance(world, customerId)).toBe(3);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 0, available: 3 });
  });

  it("scheduled at Resend and not yet billed: cancelled at Resend, the capture undone, nothing debited in Dodo", async () => {
    const { resend, customerId } = await customerWithKey(3);
    const id = await schedule(resend, "unbilled@example.com");
    await deliverQueued();
    expect(await status(id)).toBe("scheduled");
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });

    // Five cancels at once: one returns the credit, the others find it cancelled.
    const answers = await Promise.all(Array.from({ length: 5 }, () => resend.emails.cancel(id)));
    for (const answer of answers) expect(answer).toMatchObject({ data: { object: "email", id }, error: null });
    expect(await status(id)).toBe("canceled");
    expect(world.emulators.resend.message(await resendIdOf(id))?.last_event).toBe("canceled");
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 0, available: 3 });
    expect((await entriesFor(id)).map((e) => [e.kind, e.amount])).toEqual([["capture", 1]]);
    expect(await db.unbilledSend.count({ where: { sendId: id } })).toBe(0);

    await settleOutbox();
    expect(await dodoBalance(world, customerId)).toBe(3);
    expect(await db.emailSend.findUniqueOrThrow({ where: { id } })).toMatchObject({ debitId: null });
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 0, available: 3 });
  });

  it("scheduled at Resend and already debited in Dodo: cancelled at Resend, credited back in Dodo once", async () => {
    const { resend, customerId } = await customerWithKey(4);
    const id = await schedule(resend, "billed@example.com");
    await deliverQueued();
    await flushAllDebits();
    expect(await dodoBalance(world, customerId)).toBe(3);

    const [first, second] = await Promise.all([resend.emails.cancel(id), resend.emails.cancel(id)]);
    expect(first!.error).toBeNull();
    expect(second!.error).toBeNull();
    expect(await status(id)).toBe("canceled");
    expect(await db.creditBack.findUniqueOrThrow({ where: { sendId: id } })).toMatchObject({
      reason: "canceled",
      credits: 1,
    });

    await settleOutbox();
    expect(await db.creditBack.findUniqueOrThrow({ where: { sendId: id } })).toMatchObject({ status: "done" });
    expect(await dodoBalance(world, customerId)).toBe(4);
    await expect.poll(() => mailkitCredits(customerId)).toEqual({ balance: 4, reserved: 0, available: 4 });
    expect(await resend.emails.cancel(id)).toMatchObject({ data: { object: "email", id } });
    await settleOutbox();
    expect(await dodoBalance(world, customerId)).toBe(4);
  });

  it("races the dispatcher: every email ends cancelled, none is left scheduled at Resend, every credit back once", async () => {
    const { user, resend, customerId } = await customerWithKey(20);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await schedule(resend, `race${i}@example.com`));

    // Cancels and dispatch passes at the same time: some cancels find the email queued, some in a call, some at Resend.
    const cancels = ids.map((id, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 3)).then(() => cancelScheduledEmail(user.id, id)),
    );
    const dispatching = (async () => {
      for (let pass = 0; pass < 6; pass++) await drainDispatcher();
    })();
    const outcomes = await Promise.all(cancels);
    await dispatching;
    await deliverQueued();

    expect(outcomes.every((o) => o.creditsReturned === 1 && o.via !== "already_canceled")).toBe(true);
    for (const id of ids) expect(await status(id)).toBe("canceled");
    for (const m of world.emulators.resend.messages({ q: "race" })) expect(m.last_event).toBe("canceled");

    await settleOutbox();
    expect(await dodoBalance(world, customerId)).toBe(20);
    await expect.poll(() => mailkitCredits(customerId)).toEqual({ balance: 20, reserved: 0, available: 20 });
    const entries = await db.creditEntry.findMany({ where: { reference: { in: ids.map((id) => `cancel:${id}`) } } });
    const backs = await db.creditBack.count({ where: { sendId: { in: ids } } });
    expect(entries.length + backs).toBe(ids.length);
  });
});

describe("POST /api/emails/{id}/cancel refusals", () => {
  it("an email with no schedule, one already sent, someone else's, a made-up id: 4xx, nothing moves", async () => {
    const { resend, customerId } = await customerWithKey(5);
    const now = await resend.emails.send({ ...message, to: "now@example.com" });
    await deliverQueued();
    const notScheduled = await resend.emails.cancel(now.data!.id);
    expect(notScheduled.error).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(notScheduled.error!.message).toContain("Only scheduled emails can be canceled");

    const id = await schedule(resend, "sentalready@example.com");
    await deliverQueued();
    expect(world.emulators.resend.sendScheduledNow()).toBeGreaterThan(0);
    await expect.poll(() => status(id), { timeout: 10_000 }).not.toBe("scheduled");
    const tooLate = await resend.emails.cancel(id);
    expect(tooLate.error).toMatchObject({ statusCode: 422 });
    expect(tooLate.error!.message).toContain("already sent");

    const other = await customerWithKey(1);
    const theirs = await schedule(other.resend, "theirs@example.com");
    expect((await resend.emails.cancel(theirs)).error).toMatchObject({ statusCode: 404, name: "not_found" });
    expect(await status(theirs)).toBe("queued");
    expect((await resend.emails.cancel("not-an-id%00")).error).toMatchObject({ statusCode: 404 });
    expect((await resend.emails.cancel(crypto.randomUUID())).error).toMatchObject({ statusCode: 404 });

    const balance = await mailkitCredits(customerId);
    expect(balance).toEqual({ balance: 3, reserved: 0, available: 3 });
  });

  it("a sending-only key may not cancel", async () => {
    const { resend } = await customerWithKey(2, "sending_access");
    const id = await schedule(resend);
    expect((await resend.emails.cancel(id)).error).toMatchObject({ statusCode: 401, name: "restricted_api_key" });
    expect(await status(id)).toBe("queued");
  });

  it("Resend fails or loses the answer: 502, still scheduled and charged; the retry settles it once", async () => {
    const { resend, customerId } = await customerWithKey(2);
    const id = await schedule(resend, "flaky@example.com");
    await deliverQueued();
    const resendId = await resendIdOf(id);

    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: `/emails/${resendId}/cancel`,
      status: 500,
      count: 1,
    });
    const failed = await resend.emails.cancel(id);
    expect(failed.error).toMatchObject({ statusCode: 502 });
    expect(failed.error!.message).toContain("still scheduled");
    expect(await status(id)).toBe("scheduled");
    expect(world.emulators.resend.message(resendId)?.last_event).toBe("scheduled");
    expect(await mailkitCredits(customerId)).toEqual({ balance: 1, reserved: 0, available: 1 });

    // Resend cancels but the answer is lost: the next attempt reads `canceled` at Resend and settles.
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: `/emails/${resendId}/cancel`,
      status: 500,
      afterAccept: true,
      count: 1,
    });
    expect((await resend.emails.cancel(id)).error).toMatchObject({ statusCode: 502 });
    expect(world.emulators.resend.message(resendId)?.last_event).toBe("canceled");
    expect(await status(id)).toBe("scheduled");
    expect((await resend.emails.cancel(id)).data).toEqual({ object: "email", id });
    expect(await status(id)).toBe("canceled");
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });
  });
});
