import { afterEach, describe, expect, it } from "vitest";

import { reserveCredits } from "@/lib/credits";
import { db, Prisma } from "@/lib/db";
import { drainJobs } from "@/lib/outbox/worker";
import { getResend } from "@/lib/resend/client";
import {
  configureSending,
  getSendingConfig,
  ProviderRejectedError,
  sendEmails,
  sweepUnsettledSends,
  toResendPayload,
  type Sender,
} from "@/lib/sending";
import { sendIdempotencyKey } from "@/lib/sending/provider";

import {
  createFundedUser,
  dodoBalance,
  dodoDebits,
  mailkitCredits,
  outgoingEmail,
  resendAcceptsThenHangs,
  withTestWorld,
} from "./helpers/environment";

/**
 * A failing provider never loses a debit, never debits twice and never sends for free:
 * Resend refusals release, Resend 5xx/timeouts keep the hold until the sweeper settles the same send with the
 * same idempotency key, and Dodo outages only delay the debit (the outbox retries; Dodo's key dedupes).
 */

const TIMEOUT_MS = 300;
const world = withTestWorld({ sending: { providerTimeoutMs: TIMEOUT_MS, abandonedAfterMs: 5_000 } });
afterEach(() => {
  world.emulators.resend.faults.clear();
  world.emulators.dodo.faults.clear();
});

const email = (to: string) => outgoingEmail(to, { subject: "Reliability" });

/** Everything the sweeper would retry now, as if the retry delays had passed. */
const sweepNow = () => sweepUnsettledSends({ asOf: new Date(Date.now() + 3600_000) });
/** Makes failed outbox jobs due again (their backoff has "passed"). */
const jobsDueNow = () =>
  db.outboxJob.updateMany({ where: { status: "pending" }, data: { runAt: new Date(0), lockedUntil: null } });
const resendMessagesTo = (to: string) => world.emulators.resend.messages({ to });

async function funded(credits: number) {
  const { user, customerId } = await createFundedUser(world, credits, "reliability");
  const sender: Sender = { userId: user.id, customerId, source: "api" };
  return { user, customerId, sender };
}

describe("Resend refuses or fails", () => {
  it("a definite refusal (422) releases the hold: failed, nothing charged, no debit", async () => {
    const { customerId, sender, user } = await funded(3);
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails",
      status: 422,
      body: { statusCode: 422, name: "validation_error", message: "Invalid `to` field." },
      count: 1,
    });
    const error = await sendEmails(sender, [email("refused@example.com")]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRejectedError);
    expect(error).toMatchObject({ statusCode: 422, providerCode: "validation_error" });
    const send = await db.emailSend.findFirstOrThrow({ where: { userId: user.id } });
    expect(send).toMatchObject({ status: "failed", resendId: null });
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 0, available: 3 });
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(0);
  });

  it("Resend 500 → no debit: the hold stays, nothing is captured while Resend fails; after recovery it is sent and debited once", async () => {
    const { customerId, sender, user } = await funded(3);
    world.emulators.resend.faults.add({ method: "POST", pathPrefix: "/emails", status: 500, durationMs: 60_000 });
    const result = await sendEmails(sender, [email("five-hundred@example.com")]);
    expect(result).toMatchObject({ settled: false, creditsCharged: 1, creditsRemaining: 2 });
    const sendId = result.emails[0]!.id;
    expect(await db.emailSend.findUniqueOrThrow({ where: { id: sendId } })).toMatchObject({
      status: "unknown",
      resendId: null,
    });
    expect(await mailkitCredits(customerId)).toEqual({ balance: 3, reserved: 1, available: 2 });

    // The sweeper retries while Resend still fails: still held, still no charge, no debit queued.
    expect(await sweepNow()).toBe(1);
    expect(await db.emailSend.findUniqueOrThrow({ where: { id: sendId } })).toMatchObject({
      status: "unknown",
      attempts: 2,
    });
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(0);
    expect(resendMessagesTo("five-hundred@example.com")).toHaveLength(0);

    world.emulators.resend.faults.clear();
    expect(await sweepNow()).toBe(1);
    const settled = await db.emailSend.findUniqueOrThrow({ where: { id: sendId } });
    expect(settled.resendId).toBeTruthy();
    expect(resendMessagesTo("five-hundred@example.com")).toHaveLength(1);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });
    await drainJobs();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["1"]);
    expect(await sweepNow()).toBe(0);
    expect(user.id).toBeTruthy();
  });

  it("a 500 followed by a refusal on retry releases: never charged", async () => {
    const { customerId, sender } = await funded(2);
    world.emulators.resend.faults.add({ method: "POST", pathPrefix: "/emails", status: 503, count: 1 });
    const result = await sendEmails(sender, [email("then-refused@example.com")]);
    expect(result.settled).toBe(false);
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails",
      status: 403,
      body: { statusCode: 403, name: "validation_error", message: "Domain not verified" },
      count: 1,
    });
    await sweepNow();
    expect(await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } })).toMatchObject({
      status: "failed",
    });
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(0);
  });

  it("Resend 500 after accepting (the email went out): the retry is answered with the original id — one email, one debit", async () => {
    const { customerId, sender } = await funded(2);
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails",
      status: 500,
      afterAccept: true,
      count: 1,
    });
    const result = await sendEmails(sender, [email("accepted-500@example.com")]);
    expect(result.settled).toBe(false);
    expect(resendMessagesTo("accepted-500@example.com")).toHaveLength(1);
    await sweepNow();
    const send = await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } });
    expect(send.resendId).toBe(resendMessagesTo("accepted-500@example.com")[0]!.id);
    expect(resendMessagesTo("accepted-500@example.com")).toHaveLength(1);
    await drainJobs();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["1"]);
    expect(await dodoBalance(world, customerId)).toBe(1);
  });
});

describe("Resend times out", () => {
  it("timeout after Resend accepted: bounded by the configured timeout, no double send, no double debit (even with two sweepers racing)", async () => {
    const { customerId, sender } = await funded(2);
    resendAcceptsThenHangs(world);
    const started = Date.now();
    const result = await sendEmails(sender, [email("timeout-accepted@example.com")]);
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    expect(result).toMatchObject({ settled: false, creditsCharged: 1, creditsRemaining: 1 });
    expect(await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } })).toMatchObject({
      status: "unknown",
    });
    expect(resendMessagesTo("timeout-accepted@example.com")).toHaveLength(1);

    // Two instances' sweepers at once: the lease gives the send to one of them.
    const claimed = await Promise.all([sweepNow(), sweepNow()]);
    expect(claimed.sort()).toEqual([0, 1]);
    expect(resendMessagesTo("timeout-accepted@example.com")).toHaveLength(1);
    const send = await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } });
    expect(send.resendId).toBe(resendMessagesTo("timeout-accepted@example.com")[0]!.id);
    await drainJobs();
    await drainJobs();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["1"]);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 1, reserved: 0, available: 1 });
  });

  it("timeout before Resend accepted: the sweeper sends it once", async () => {
    const { customerId, sender } = await funded(1);
    world.emulators.resend.faults.add({ method: "POST", pathPrefix: "/emails", hang: true, count: 1 });
    const result = await sendEmails(sender, [email("timeout-before@example.com")]);
    expect(result.settled).toBe(false);
    expect(resendMessagesTo("timeout-before@example.com")).toHaveLength(0);
    await sweepNow();
    expect(resendMessagesTo("timeout-before@example.com")).toHaveLength(1);
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(1);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 0, reserved: 0, available: 0 });
  });

  it("a batch that timed out is retried as one batch under its batch key: each email once, each debited once", async () => {
    const { customerId, sender } = await funded(5);
    resendAcceptsThenHangs(world, "/emails/batch");
    const result = await sendEmails(sender, [
      email("batch-a@example.com"),
      email("batch-b@example.com"),
      email("batch-c@example.com"),
    ]);
    expect(result.settled).toBe(false);
    await sweepNow();
    for (const to of ["batch-a@example.com", "batch-b@example.com", "batch-c@example.com"])
      expect(resendMessagesTo(to)).toHaveLength(1);
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(3);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });
  });
});

describe("crashes", () => {
  /** What a request leaves behind when its process dies right after the hold committed. */
  async function holdLikeADyingRequest(sender: Sender & { customerId: string }, to: string, createdAt: Date) {
    const id = crypto.randomUUID();
    const payload = toResendPayload(email(to), id);
    await db.$transaction(async (tx) => {
      const admission = await reserveCredits(tx, sender.customerId, 1, id);
      expect(admission.admitted).toBe(true);
      await tx.emailSend.create({
        data: {
          id,
          userId: sender.userId,
          customerId: sender.customerId,
          source: "api",
          fromAddress: "hello@acme.test",
          to: [to],
          cc: [],
          bcc: [],
          subject: "Reliability",
          payload: payload as unknown as Prisma.InputJsonValue,
          cost: 1,
          createdAt,
        },
      });
    });
    return { id, payload };
  }

  it("died before calling Resend: the sweeper takes the abandoned send over and sends it once", async () => {
    const { customerId, sender } = await funded(1);
    const { id } = await holdLikeADyingRequest(
      { ...sender, customerId },
      "crash-before@example.com",
      new Date(Date.now() - getSendingConfig().abandonedAfterMs - 1_000),
    );
    await sweepUnsettledSends();
    expect(resendMessagesTo("crash-before@example.com")).toHaveLength(1);
    expect((await db.emailSend.findUniqueOrThrow({ where: { id } })).resendId).toBeTruthy();
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(1);
  });

  it("died after Resend accepted but before recording it: the sweeper's retry gets the original id back — one email, one debit", async () => {
    const { customerId, sender } = await funded(1);
    const { id, payload } = await holdLikeADyingRequest(
      { ...sender, customerId },
      "crash-after@example.com",
      new Date(Date.now() - getSendingConfig().abandonedAfterMs - 1_000),
    );
    const { data } = await getResend().emails.send(payload, { idempotencyKey: sendIdempotencyKey(id) });
    await sweepUnsettledSends();
    expect(resendMessagesTo("crash-after@example.com")).toHaveLength(1);
    expect((await db.emailSend.findUniqueOrThrow({ where: { id } })).resendId).toBe(data!.id);
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(1);
  });

  it("a send still in its request (younger than the abandonment window) is left alone", async () => {
    const { sender, customerId } = await funded(1);
    const { id } = await holdLikeADyingRequest({ ...sender, customerId }, "still-running@example.com", new Date());
    expect(await sweepUnsettledSends()).toBe(0);
    expect((await db.emailSend.findUniqueOrThrow({ where: { id } })).status).toBe("queued");
  });

  it("past Resend's replay window the sweeper stops and keeps the hold (never free, never double)", async () => {
    const { sender, customerId } = await funded(1);
    const { id } = await holdLikeADyingRequest(
      { ...sender, customerId },
      "too-late@example.com",
      new Date(Date.now() - 24 * 3600_000),
    );
    await sweepUnsettledSends();
    const send = await db.emailSend.findUniqueOrThrow({ where: { id } });
    expect(send).toMatchObject({ status: "unknown", nextAttemptAt: null });
    expect(send.lastError).toMatch(/needs review/);
    expect(resendMessagesTo("too-late@example.com")).toHaveLength(0);
    expect(await mailkitCredits(customerId)).toMatchObject({ reserved: 1 });
  });
});

describe("Dodo's ledger fails for a while", () => {
  it("every debit lands exactly once after recovery, including ones whose response was lost", async () => {
    const { customerId, sender } = await funded(6);
    // Dodo refuses ledger writes for a while, then writes one but loses its response.
    world.emulators.dodo.faults.add({
      method: "POST",
      pathPrefix: "/credit-entitlements",
      status: 500,
      durationMs: 60_000,
    });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) => sendEmails(sender, [email(`dodo-down-${i}@example.com`)])),
    );
    expect(results.every((r) => r.settled)).toBe(true);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });

    await drainJobs();
    expect(await db.outboxJob.count({ where: { customerId, status: "pending", attempts: { gte: 1 } } })).toBe(4);
    await jobsDueNow();
    await drainJobs();
    expect(await dodoDebits(world, customerId)).toHaveLength(0);
    expect(await dodoBalance(world, customerId)).toBe(6);
    // MailKit's view still counts the pending debits as spent, even after a re-sync from Dodo.
    const { syncCreditsFromDodo } = await import("@/lib/credits");
    expect((await syncCreditsFromDodo(customerId, "test")).available).toBe(2);

    world.emulators.dodo.faults.clear();
    world.emulators.dodo.faults.add({
      method: "POST",
      pathPrefix: "/credit-entitlements",
      status: 500,
      afterHandling: true,
      count: 1,
    });
    await jobsDueNow();
    await drainJobs();
    await jobsDueNow();
    await drainJobs();
    const debits = await dodoDebits(world, customerId);
    expect(debits).toHaveLength(4);
    const sends = await db.emailSend.findMany({ where: { customerId } });
    expect(new Set(debits.map((d) => d.amount))).toEqual(new Set(["1"]));
    expect(await db.outboxJob.count({ where: { customerId, status: "done" } })).toBe(sends.length);
    expect(await dodoBalance(world, customerId)).toBe(2);
    expect((await syncCreditsFromDodo(customerId, "test")).available).toBe(2);
  });
});

describe("configuration", () => {
  it("the provider timeout is configurable", () => {
    configureSending({ providerTimeoutMs: 1234 });
    expect(getSendingConfig().providerTimeoutMs).toBe(1234);
    configureSending({ providerTimeoutMs: TIMEOUT_MS, abandonedAfterMs: 5_000 });
  });
});
