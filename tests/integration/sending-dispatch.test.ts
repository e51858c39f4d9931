import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";

import { flushAllDebits } from "@/lib/credits/debits";
import { sendSignInEmail } from "@/lib/emails/send";
import { db, getDatabase } from "@/lib/db";
import { metrics } from "@/lib/metrics";
import { sendEmails, toResendPayload, type Sender } from "@/lib/sending";
import { admit } from "@/lib/sending/admission";
import { pauseResendBudget, resendBacklogMs, takeResendSlot } from "@/lib/resend/budget";
import { configureTuning } from "@/lib/runtime/tuning";
import { dispatchOne, dispatchPass, drainDispatcher } from "@/lib/sending/dispatcher";

import {
  createFundedUser,
  deliverQueued,
  dodoBalance,
  dodoDebits,
  mailkitCredits,
  outgoingEmail,
  settleOutbox,
  withTestWorld,
} from "./helpers/environment";
import { countPgStatements } from "./helpers/pg-statements";

/**
 * Delivery at platform scale: queued sends are packed into Resend batch calls (≤ 100, permissive), fairly across
 * customers, within one platform-wide Resend budget; what Resend accepted is billed by coalesced Dodo debits.
 */

// One process runs the emulators, the webhook receiver and (with PGlite) the database: give calls time.
const TIMEOUT_MS = 10_000;
const world = withTestWorld({ sending: { providerTimeoutMs: TIMEOUT_MS } });
afterEach(() => {
  configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 1_000 });
  world.emulators.resend.faults.clear();
  world.emulators.resend.setRateLimit({ enabled: false });
});

const email = (to: string) => outgoingEmail(to, { subject: "Dispatch" });

async function funded(credits: number, label = "dispatch", domain = "acme.test") {
  const { user, customerId } = await createFundedUser(world, credits, label, { domain });
  const sender: Sender = { userId: user.id, customerId, source: "api" };
  return { user, customerId, sender };
}

/** Queues `count` single-recipient emails for the sender, 50 requests at a time. */
async function queue(sender: Sender, count: number, prefix: string) {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const results = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, (_, i) =>
        sendEmails(sender, [email(`${prefix}-${start + i}@example.com`)]),
      ),
    );
    ids.push(...results.map((r) => r.emails[0]!.id));
  }
  return ids;
}

describe("batching", () => {
  it("a 1,000-send burst goes out in batches of ≤ 100 with no duplicate at Resend, billed by debits equal to the sends", async () => {
    const { customerId, sender } = await funded(1_200, "burst");
    const before = world.emulators.resend.messages().length;
    const ids = await queue(sender, 1_000, "burst");
    expect(await mailkitCredits(customerId)).toEqual({ balance: 1_200, reserved: 1_000, available: 200 });

    await deliverQueued();
    const batches = await db.deliveryBatch.findMany({ where: { sendIds: { hasSome: ids } } });
    expect(batches).toHaveLength(10);
    expect(batches.every((b) => b.mode === "batch" && b.status === "done" && b.sendIds.length <= 100)).toBe(true);
    expect(batches.reduce((n, b) => n + b.sendIds.length, 0)).toBe(1_000);

    const delivered = world.emulators.resend.messages().slice(0, world.emulators.resend.messages().length - before);
    const recipients = delivered.flatMap((m) => m.to);
    expect(recipients).toHaveLength(1_000);
    expect(new Set(recipients).size).toBe(1_000);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 200, reserved: 0, available: 200 });

    await settleOutbox();
    const sends = await db.emailSend.findMany({ where: { id: { in: ids } }, select: { debitId: true, cost: true } });
    expect(sends.every((s) => s.debitId)).toBe(true);
    const debits = await db.creditDebit.findMany({ where: { customerId } });
    expect(debits.reduce((n, d) => n + d.credits, 0)).toBe(1_000);
    expect(debits.reduce((n, d) => n + d.emails, 0)).toBe(1_000);
    const dodo = await dodoDebits(world, customerId);
    expect(dodo.length).toBe(debits.length);
    expect(dodo.reduce((n, d) => n + Number(d.amount), 0)).toBe(1_000);
    expect(await dodoBalance(world, customerId)).toBe(200);
  }, 120_000);

  it("a permissive batch with one email Resend refuses delivers the other 99 and releases the one", async () => {
    const { customerId, sender } = await funded(100, "permissive");
    const rows = Array.from({ length: 100 }, (_, i) => {
      const id = randomUUID();
      const payload = toResendPayload(email(`permissive-${i}@example.com`), id);
      // MailKit validates what customers send; this one is broken below that check, so only Resend can refuse it.
      if (i === 42) Object.assign(payload, { to: ["not an address"] });
      return {
        id,
        userId: sender.userId,
        customerId,
        apiKeyId: null,
        source: "api",
        batchId: null,
        batchIndex: null,
        fromAddress: "hello@acme.test",
        to: [`permissive-${i}@example.com`],
        cc: [],
        bcc: [],
        subject: "Dispatch",
        payload,
        cost: 1,
        batchable: true,
      };
    });
    expect(await admit({ customerId, rows })).toMatchObject({ admitted: true, available: 0 });
    await drainDispatcher();
    expect(await db.deliveryBatch.count({ where: { sendIds: { has: rows[0]!.id } } })).toBe(1);

    const statuses = await db.emailSend.findMany({
      where: { customerId },
      select: { id: true, status: true, lastError: true },
    });
    const failed = statuses.filter((s) => s.status === "failed");
    expect(failed.map((s) => s.id)).toEqual([rows[42]!.id]);
    expect(failed[0]!.lastError).toMatch(/Resend refused/);
    expect(statuses.filter((s) => s.status !== "failed")).toHaveLength(99);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 1, reserved: 0, available: 1 });
    await settleOutbox();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["99"]);
  });

  it("an email with attachments goes on its own (the batch endpoint takes none)", async () => {
    const { customerId, sender } = await funded(3, "attachments");
    await sendEmails(sender, [email("plain@example.com")]);
    await sendEmails(sender, [
      outgoingEmail("attached@example.com", {
        attachments: [{ filename: "a.txt", content: Buffer.from("hello").toString("base64") }],
      }),
    ]);
    expect(await drainDispatcher()).toBe(2);
    const batches = await db.deliveryBatch.findMany({
      where: { sendIds: { hasSome: (await db.emailSend.findMany({ where: { customerId } })).map((s) => s.id) } },
    });
    expect(batches.map((b) => b.mode).sort()).toEqual(["batch", "single"]);
    expect(world.emulators.resend.messages({ to: "attached@example.com" })).toHaveLength(1);
  });
});

describe("a dispatch pass", () => {
  it("calls with all its workers from its first call on: the next calls do not wait for the first one's answer", async () => {
    const { sender } = await funded(30, "parallel");
    configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 1_000, batchSize: 10 });
    await queue(sender, 30, "parallel"); // three calls of ten
    world.emulators.resend.faults.add({ method: "POST", pathPrefix: "/emails", latencyMs: 600 });
    expect(await dispatchPass()).toBe(3);
    const calls = new Map<string, number>();
    for (const m of world.emulators.resend.messages({ q: "parallel-" }))
      calls.set(m.idempotency_key ?? m.id, Date.parse(m.created_at));
    const times = [...calls.values()].sort((a, b) => a - b);
    expect(times).toHaveLength(3);
    // Had the workers started after the first call was answered, the others would reach Resend 600 ms after it.
    expect(times[2]! - times[0]!).toBeLessThan(400);
  });
});

describe("an idle dispatcher", () => {
  it("looks with two short statements and opens no transaction when nothing waits", async () => {
    const { sender } = await funded(1, "idle");
    await sendEmails(sender, [email("idle@example.com")]);
    await drainDispatcher();
    if (getDatabase().kind !== "postgres") return; // PGlite's driver sends no pg statements
    // A due call (none) and whether any send waits to be packed (none): no packing transaction.
    expect(await countPgStatements(async () => expect(await dispatchPass()).toBe(0))).toBe(2);
  });
});

describe("fairness", () => {
  it("another customer's email queued behind a burst several calls deep goes out in the next call", async () => {
    // Calls of 20 keep the burst small (the same packing as calls of 100): 60 emails are three calls.
    configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 1_000, batchSize: 20 });
    const big = await funded(60, "big");
    const small = await funded(1, "small", "small.test"); // both send at once: each from its own domain
    await queue(big.sender, 60, "big");
    // One call goes out, then the small customer sends a password reset.
    expect(await dispatchOne()).toBe(true);
    const reset = await sendEmails(small.sender, [
      outgoingEmail("reset@example.com", { from: "Small <hello@small.test>", subject: "Dispatch" }),
    ]);
    expect(await dispatchOne()).toBe(true);
    const send = await db.emailSend.findUniqueOrThrow({ where: { id: reset.emails[0]!.id } });
    expect(send.status).not.toBe("queued");
    expect(world.emulators.resend.messages({ to: "reset@example.com" })).toHaveLength(1);
    // In order of arrival it would wait for the burst's last call; the big customer still fills the rest of
    // that call: fairness costs no throughput.
    const call = await db.deliveryBatch.findFirstOrThrow({ where: { id: send.deliveryBatchId! } });
    expect(call.sendIds).toHaveLength(20);
    expect(call.sendIds.slice(0, 2)).toContain(send.id);
    await drainDispatcher();
  });
});

/**
 * Calls seen at Resend were paced at `perSecond` over the whole run. Single gaps are not checked: a call sent late by
 * a busy process bunches with the next one (Resend then answers 429 and the call is repeated; see below).
 */
function expectPacedAt(times: number[], perSecond: number): void {
  const span = times[times.length - 1]! - times[0]!;
  expect(span).toBeGreaterThanOrEqual(((times.length - 1) / perSecond) * 1000 * 0.95);
}

describe("the Resend budget", () => {
  /** Each Resend call's time at the emulator (a batch's emails share one), oldest first. */
  function callTimes(prefix: string): number[] {
    const calls = new Map<string, number>();
    for (const m of world.emulators.resend.messages({ q: prefix }))
      calls.set(m.idempotency_key ?? m.id, Date.parse(m.created_at));
    return [...calls.values()].sort((a, b) => a - b);
  }
  const stillOpen = (ids: string[]) =>
    db.emailSend.count({ where: { id: { in: ids }, status: { in: ["queued", "unknown"] } } });
  const rateLimitedSoFar = async () => (await metrics.resendRateLimited.get()).values.reduce((n, v) => n + v.value, 0);

  it("tells how far ahead its next free slot is: nothing when idle, the spacing after a call, the pause after a 429", async () => {
    configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 2 }); // 550 ms apart
    await expect.poll(resendBacklogMs, { timeout: 5_000 }).toBe(0);
    expect(await takeResendSlot()).toBeLessThan(50); // its slot is now (give or take the statement)
    const afterCall = await resendBacklogMs();
    expect(afterCall).toBeGreaterThan(0);
    expect(afterCall).toBeLessThanOrEqual(550);
    await pauseResendBudget(1_000);
    const paused = await resendBacklogMs();
    expect(paused).toBeGreaterThan(550);
    expect(paused).toBeLessThanOrEqual(1_000);
  });

  it("MailKit's own emails take a slot of the same budget", async () => {
    configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 2 }); // 525 ms apart
    await expect.poll(resendBacklogMs, { timeout: 5_000 }).toBe(0);
    await sendSignInEmail("own-email@example.com", "http://localhost:3000/api/auth/callback/email?token=t");
    expect(world.emulators.resend.messages({ to: "own-email@example.com" })).toHaveLength(1);
    expect(await resendBacklogMs()).toBeGreaterThan(0); // its slot was taken: the next call waits for its turn
  });

  it("paces calls to Resend's team limit", async () => {
    const { customerId, sender } = await funded(50, "paced");
    configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 5, batchSize: 5 });
    world.emulators.resend.setRateLimit({ enabled: true, perSecond: 5 });
    const ids = await queue(sender, 50, "paced");
    const limited = await rateLimitedSoFar();
    const started = Date.now();
    await drainDispatcher(200);
    expect(Date.now() - started).toBeGreaterThan(1_800); // 10 calls at 5 per second
    // Paced below the limit; a stalled event loop (this process also runs the emulator) may bunch two calls.
    expect(await rateLimitedSoFar()).toBeLessThanOrEqual(limited + 1);
    // A call refused with 429 comes due again only after its retry-after: dispatch until it went out too.
    for (let round = 0; round < 20 && (await stillOpen(ids)) > 0; round++) {
      await new Promise((r) => setTimeout(r, 250));
      await drainDispatcher(200);
    }
    const times = callTimes("paced-");
    expect(times).toHaveLength(10);
    expectPacedAt(times, 5);
    const sends = await db.emailSend.findMany({ where: { id: { in: ids } } });
    expect(sends.every((s) => s.status !== "queued" && s.status !== "failed")).toBe(true);
    expect(await mailkitCredits(customerId)).toMatchObject({ reserved: 0, balance: 0 });
  });

  it("a 429 pauses every caller for its retry-after and the same call is repeated: nothing lost or doubled", async () => {
    const { customerId, sender } = await funded(100, "throttled");
    // MailKit is configured above what Resend allows (2/s, stated in every answer's ratelimit-limit), and
    // Resend refuses the first call whenever it comes: no retry-after, so MailKit pauses its default second.
    configureTuning({ providerTimeoutMs: TIMEOUT_MS, resendRatePerSecond: 50, batchSize: 10 });
    world.emulators.resend.setRateLimit({ enabled: true, perSecond: 2 });
    world.emulators.resend.faults.add({ method: "POST", pathPrefix: "/emails", status: 429, count: 1 });
    const limited = await rateLimitedSoFar();
    const ids = await queue(sender, 100, "throttled");

    const refusedAt = Date.now();
    expect(await dispatchOne()).toBe(true);
    expect((await rateLimitedSoFar()) - limited).toBe(1);
    // The refusal (after refusedAt) pushed the platform's next slot a full second past itself.
    const pausedUntil = (await db.providerBudget.findUniqueOrThrow({ where: { name: "resend" } })).nextSlotAt;
    expect(pausedUntil.getTime() - refusedAt).toBeGreaterThanOrEqual(1_000 - 5);
    expect(world.emulators.resend.messages({ q: "throttled-" })).toHaveLength(0);
    // Calls refused with 429 come due again after their retry-after: keep dispatching until all went out.
    for (let round = 0; round < 50; round++) {
      await drainDispatcher(200);
      if ((await stillOpen(ids)) === 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    // No caller (four workers) went on before the pause was over.
    const times = callTimes("throttled-");
    expect(times[0]!).toBeGreaterThanOrEqual(pausedUntil.getTime() - 5);
    // MailKit paces at the limit Resend stated: at its configured 50/s, ten calls against 2/s would be refused
    // again and again. A stalled event loop may bunch two calls into one of Resend's seconds.
    expect((await rateLimitedSoFar()) - limited).toBeLessThanOrEqual(3);
    // The refused call was repeated as itself: ten calls, ten idempotency keys.
    expect(await db.deliveryBatch.count({ where: { sendIds: { hasSome: ids } } })).toBe(10);
    expect(times).toHaveLength(10);
    expectPacedAt(times, 2);
    const recipients = world.emulators.resend.messages({ q: "throttled-" }).flatMap((m) => m.to);
    expect(recipients).toHaveLength(100);
    expect(new Set(recipients).size).toBe(100);
    expect(await mailkitCredits(customerId)).toMatchObject({ reserved: 0, balance: 0 });
    await settleOutbox();
    expect(await dodoBalance(world, customerId)).toBe(0);
  });
});

describe("coalesced debits", () => {
  it("one debit per customer per flush, its reason naming the emails; MailKit's own debit webhooks cause no Dodo read", async () => {
    const { customerId, sender } = await funded(50, "coalesce");
    await queue(sender, 30, "coalesce");
    await drainDispatcher();
    await world.emulators.dodo.idle(); // the funding's credit.added webhook (and its sync) has landed
    const readsBefore = await dodoReads();
    await flushAllDebits();
    await world.emulators.dodo.idle();
    // Let the credit.deducted webhook reach MailKit and be processed.
    await expect
      .poll(() => db.webhookReceipt.count({ where: { type: "credit.deducted" } }), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const debits = await dodoDebits(world, customerId);
    expect(debits).toHaveLength(1);
    expect(debits[0]).toMatchObject({ amount: "30" });
    expect(debits[0]!.description).toMatch(/^MailKit: 30 emails, 30 credits \(debit [0-9a-f-]{36}\)$/);
    expect(await dodoReads()).toBe(readsBefore);
    expect(await db.creditAccount.findUniqueOrThrow({ where: { customerId } })).toMatchObject({
      syncRequestedAt: null,
    });
    expect(await mailkitCredits(customerId)).toEqual({ balance: 20, reserved: 0, available: 20 });
  });
});

async function dodoReads(): Promise<number> {
  const metric = await metrics.dodoCalls.get();
  return metric.values.filter((v) => v.labels.operation === "balance").reduce((n, v) => n + v.value, 0);
}
