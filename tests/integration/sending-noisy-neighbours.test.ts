import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { sendEmails, toResendPayload, type Sender } from "@/lib/sending";
import { admit } from "@/lib/sending/admission";
import { configureTuning } from "@/lib/runtime/tuning";
import { dispatchPass } from "@/lib/sending/dispatcher";
import { isAccepted, isOpen } from "@/lib/mail/status";

import { createFundedUser, deliverQueued, mailkitCredits, outgoingEmail, withTestWorld } from "./helpers/environment";

/**
 * One customer can never stall another on the shared dispatcher: a hostile customer does its worst — calls that
 * fail while settling, very large emails, a burst of emails that cannot be batched — while another customer's
 * ordinary email is timed from its admission to its arrival at Resend (the emulator, through the SDK), with the
 * dispatcher running as in production at Resend's 5 calls per second. Every email delivered is debited, and no
 * call is repeated in a loop (calls are counted at the emulator).
 */

const SENDING = { providerTimeoutMs: 5_000, resendRatePerSecond: 5 };
const world = withTestWorld({ sending: SENDING });
afterEach(async () => {
  configureTuning(SENDING);
  world.emulators.resend.faults.clear();
  await db.$executeRawUnsafe(`DROP TRIGGER IF EXISTS "poison" ON "EmailSend"`);
});

/** The dispatcher loop as lib/background.ts runs it (tighter idle interval). */
function runDispatcher(): { stop(): Promise<void> } {
  let running = true;
  const loop = (async () => {
    while (running) if ((await dispatchPass()) === 0) await new Promise((r) => setTimeout(r, 20));
  })();
  return {
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** Counts POST /emails and /emails/batch requests reaching the emulator from now on. */
function countResendCalls(): () => number {
  const start = 1_000_000_000;
  const counter = world.emulators.resend.faults.add({
    method: "POST",
    pathPrefix: "/emails",
    latencyMs: 0,
    count: start,
  });
  return () => start - counter.remaining!;
}

/** Milliseconds from now until an email to `to` is at the emulator. */
async function msUntilAtResend(to: string, since: number, timeoutMs = 20_000): Promise<number> {
  while (world.emulators.resend.messages({ to }).length === 0) {
    if (Date.now() - since > timeoutMs) throw new Error(`${to} did not reach Resend within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - since;
}

let quietMs: number | undefined;
/**
 * The bound for the victim's email: 3 s at most, tighter on a quiet machine: four times a quiet baseline (measured
 * once) plus 1.5 s — at Resend's 5 calls per second the dispatcher's workers may have packed a few calls ahead
 * (220 ms each), and the call in flight settles first.
 */
async function victimBoundMs(): Promise<number> {
  if (quietMs === undefined) {
    const { sender } = await customer("quiet", "quiet.test");
    const dispatcher = runDispatcher();
    const started = Date.now();
    await sendEmails(sender, [outgoingEmail("baseline@example.com", { from: "hello@quiet.test" })]);
    quietMs = await msUntilAtResend("baseline@example.com", started);
    await dispatcher.stop();
  }
  return Math.min(3_000, 1_500 + 4 * quietMs);
}

async function customer(label: string, domain: string, credits = 500) {
  const { user, customerId } = await createFundedUser(world, credits, label, { domain });
  const sender: Sender = { userId: user.id, customerId, source: "api" };
  return { customerId, sender, credits };
}

/**
 * Delivers what is left (at full speed), then: every email at Resend is a captured send of its customer,
 * counted once in UnbilledSend (or a debit), and the customer's credits are exactly granted − captured, with
 * nothing held.
 */
async function expectEveryDeliveryBilled(who: { customerId: string; credits: number }) {
  configureTuning({ ...SENDING, resendRatePerSecond: 1_000 });
  await deliverQueued();
  const sends = await db.emailSend.findMany({ where: { customerId: who.customerId } });
  const atResend = new Set(world.emulators.resend.messages().map((m) => m.id));
  const delivered = sends.filter((s) => s.resendId && atResend.has(s.resendId));
  expect(delivered.length).toBeGreaterThan(0);
  expect(delivered.every((s) => isAccepted(s.status))).toBe(true);
  expect(sends.filter((s) => isOpen(s.status))).toEqual([]);
  const captured = sends.filter((s) => isAccepted(s.status));
  const unbilled = await db.unbilledSend.findMany({ where: { sendId: { in: captured.map((s) => s.id) } } });
  const billed = new Set([...unbilled.map((u) => u.sendId), ...captured.filter((s) => s.debitId).map((s) => s.id)]);
  expect(captured.filter((s) => !billed.has(s.id))).toEqual([]);
  const spent = captured.reduce((n, s) => n + s.cost, 0);
  expect(await mailkitCredits(who.customerId)).toEqual({
    balance: who.credits - spent,
    reserved: 0,
    available: who.credits - spent,
  });
}

/** Admits sends below the API's validation, as rows a customer could not send today but the queue may hold. */
async function admitRaw(sender: Sender, emails: { to: string; subject: string; scheduledAt?: string }[]) {
  const rows = emails.map(({ to, subject, scheduledAt }) => {
    const id = randomUUID();
    const payload = toResendPayload(outgoingEmail(to, { from: "hello@hostile.test", subject }), id);
    if (scheduledAt) Object.assign(payload, { scheduledAt });
    return {
      id,
      userId: sender.userId,
      customerId: sender.customerId!,
      apiKeyId: null,
      source: "api",
      batchId: null,
      batchIndex: null,
      fromAddress: "hello@hostile.test",
      to: [to],
      cc: [],
      bcc: [],
      subject,
      payload,
      cost: 1,
      batchable: !scheduledAt,
    };
  });
  expect(await admit({ customerId: sender.customerId!, rows })).toMatchObject({ admitted: true });
  return rows.map((r) => r.id);
}

describe("a call that fails while settling", () => {
  it("a send PostgreSQL cannot store (scheduled in year 0) is settled and debited, not re-sent in a loop", async () => {
    const hostile = await customer("poison", "hostile.test");
    const calls = countResendCalls();
    const [id] = await admitRaw(hostile.sender, [
      { to: "year-zero@example.com", subject: "Poison", scheduledAt: "0000-01-01T00:00:00.000Z" },
    ]);
    const dispatcher = runDispatcher();
    await msUntilAtResend("year-zero@example.com", Date.now());
    await new Promise((r) => setTimeout(r, 1_000));
    await dispatcher.stop();
    expect(calls()).toBe(1);
    expect(isAccepted((await db.emailSend.findUniqueOrThrow({ where: { id } })).status)).toBe(true);
    await expectEveryDeliveryBilled(hostile);
  }, 60_000);

  it("members that keep failing to settle hold back no one: the others settle, the failing ones back off and are debited once they can be", async () => {
    const bound = await victimBoundMs();
    const hostile = await customer("poison", "hostile.test");
    const victim = await customer("victim", "victim.test");
    // Any failure while settling: here the database refuses every change to the hostile customer's sends.
    await db.$executeRawUnsafe(`CREATE OR REPLACE FUNCTION "poison_refuse"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'poisoned send %', NEW."id"; END $$`);
    await db.$executeRawUnsafe(
      `CREATE TRIGGER "poison" BEFORE UPDATE OF "status" ON "EmailSend" FOR EACH ROW
       WHEN (NEW."subject" = 'Poison' AND NEW."status" <> OLD."status") EXECUTE FUNCTION "poison_refuse"()`,
    );
    const poisoned = await admitRaw(
      hostile.sender,
      Array.from({ length: 30 }, (_, i) => ({ to: `poison-${i}@example.com`, subject: "Poison" })),
    );
    const calls = countResendCalls();
    const dispatcher = runDispatcher();
    const started = Date.now();
    await sendEmails(victim.sender, [outgoingEmail("victim-poison@example.com", { from: "hello@victim.test" })]);
    expect(await msUntilAtResend("victim-poison@example.com", started)).toBeLessThanOrEqual(bound);
    // The dispatcher keeps running; the poisoned call is retried from Resend's kept answer, never called again.
    await new Promise((r) => setTimeout(r, 3_000));
    await dispatcher.stop();
    expect(calls()).toBeLessThanOrEqual(2);
    const victimSend = await db.emailSend.findFirstOrThrow({ where: { customerId: victim.customerId } });
    expect(isAccepted(victimSend.status)).toBe(true);
    const call = await db.deliveryBatch.findFirstOrThrow({ where: { sendIds: { has: poisoned[0]! } } });
    expect(call).toMatchObject({ status: "pending", outcome: { kind: "accepted" } });
    expect(call.attempts).toBeLessThanOrEqual(3); // backoff from 2 s, not a claim every lease
    expect(call.lastError).toMatch(/poisoned send/);
    expect(await db.emailSend.count({ where: { id: { in: poisoned }, status: { in: ["queued", "unknown"] } } })).toBe(
      30,
    );

    await db.$executeRawUnsafe(`DROP TRIGGER "poison" ON "EmailSend"`);
    await expectEveryDeliveryBilled(hostile);
    await expectEveryDeliveryBilled(victim);
    expect(world.emulators.resend.messages({ q: "poison-" })).toHaveLength(30); // each sent once
    expect(calls()).toBeLessThanOrEqual(2);
  }, 60_000);
});

describe("very large emails", () => {
  it("are sent alone, within the byte budget, and never in a call with another customer's email", async () => {
    const bound = await victimBoundMs();
    // Scaled down: Resend takes up to 40 MB per email; here 1 MB emails against a 1 MB budget per batch.
    configureTuning({ ...SENDING, batchByteBudget: 1_000_000, soloEmailBytes: 200_000 });
    const hostile = await customer("large", "hostile.test");
    const victim = await customer("victim", "victim.test");
    const html = `<p>${"x".repeat(1_000_000)}</p>`;
    const large = await sendEmails(
      hostile.sender,
      Array.from({ length: 6 }, (_, i) =>
        outgoingEmail(`large-${i}@example.com`, { from: "hello@hostile.test", html }),
      ),
    );
    const small = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        sendEmails(hostile.sender, [outgoingEmail(`small-${i}@example.com`, { from: "hello@hostile.test" })]),
      ),
    );
    const calls = countResendCalls();
    const dispatcher = runDispatcher();
    const started = Date.now();
    await sendEmails(victim.sender, [outgoingEmail("victim-large@example.com", { from: "hello@victim.test" })]);
    expect(await msUntilAtResend("victim-large@example.com", started)).toBeLessThanOrEqual(bound);
    await dispatcher.stop();
    await expectEveryDeliveryBilled(hostile);
    await expectEveryDeliveryBilled(victim);

    const largeIds = new Set(large.emails.map((e) => e.id));
    const sends = await db.emailSend.findMany({
      where: { customerId: { in: [hostile.customerId, victim.customerId] } },
      select: { id: true, payloadBytes: true, deliveryBatchId: true },
    });
    const batches = await db.deliveryBatch.findMany({ where: { id: { in: sends.map((s) => s.deliveryBatchId!) } } });
    for (const batch of batches) {
      const members = sends.filter((s) => batch.sendIds.includes(s.id));
      if (members.some((m) => largeIds.has(m.id)))
        expect(batch).toMatchObject({ mode: "single", sendIds: [members[0]!.id] });
      else expect(members.reduce((n, m) => n + m.payloadBytes, 0)).toBeLessThanOrEqual(1_000_000);
    }
    expect(world.emulators.resend.messages({ q: "large-" })).toHaveLength(6);
    expect(small.length + large.emails.length + 1).toBe(27);
    expect(calls()).toBe(batches.length); // one call each, none repeated
  }, 60_000);

  it("a call Resend refuses as a whole (413) fails no one: each of its emails is tried alone", async () => {
    const hostile = await customer("refused", "hostile.test");
    const victim = await customer("victim", "victim.test");
    await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        sendEmails(hostile.sender, [outgoingEmail(`whole-${i}@example.com`, { from: "hello@hostile.test" })]),
      ),
    );
    await sendEmails(victim.sender, [outgoingEmail("victim-whole@example.com", { from: "hello@victim.test" })]);
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails/batch",
      status: 413,
      body: { statusCode: 413, name: "validation_error", message: "Request entity too large" },
      count: 1,
    });
    const calls = countResendCalls();
    configureTuning({ ...SENDING, resendRatePerSecond: 1_000 });
    await deliverQueued();
    expect(world.emulators.resend.messages({ to: "victim-whole@example.com" })).toHaveLength(1);
    expect(world.emulators.resend.messages({ q: "whole-" })).toHaveLength(5);
    expect(calls()).toBe(1 + 6); // the refused batch, then each email alone
    await expectEveryDeliveryBilled(hostile);
    await expectEveryDeliveryBilled(victim);
  }, 60_000);
});

describe("emails that cannot be batched", () => {
  it("a burst of attachment emails delays another customer's emails (batchable or not) by no more than the bound", async () => {
    const bound = await victimBoundMs();
    const hostile = await customer("attachments", "hostile.test");
    const victim = await customer("victim", "victim.test");
    const attachments = [{ filename: "a.txt", content: Buffer.from("hi").toString("base64") }];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        sendEmails(hostile.sender, [
          outgoingEmail(`burst-${i}@example.com`, { from: "hello@hostile.test", attachments }),
        ]),
      ),
    );
    const calls = countResendCalls();
    const dispatcher = runDispatcher();
    await new Promise((r) => setTimeout(r, 300)); // the burst is being sent
    const started = Date.now();
    await sendEmails(victim.sender, [outgoingEmail("victim-plain@example.com", { from: "hello@victim.test" })]);
    await sendEmails(victim.sender, [
      outgoingEmail("victim-attached@example.com", { from: "hello@victim.test", attachments }),
    ]);
    expect(await msUntilAtResend("victim-plain@example.com", started)).toBeLessThanOrEqual(bound);
    expect(await msUntilAtResend("victim-attached@example.com", started)).toBeLessThanOrEqual(bound);
    // The burst was still going when the victim was served: served in turn, not after it.
    expect(world.emulators.resend.messages({ q: "burst-" }).length).toBeLessThan(40);
    await dispatcher.stop();
    await expectEveryDeliveryBilled(hostile);
    await expectEveryDeliveryBilled(victim);
    expect(world.emulators.resend.messages({ q: "burst-" })).toHaveLength(40);
    expect(calls()).toBe(42); // one call per email, none repeated
  }, 60_000);
});
