import { describe, expect, it } from "vitest";

import { runRequestedSyncs } from "@/lib/credits";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { ACCEPTED_STATUSES } from "@/lib/mail/status";
import { metrics } from "@/lib/metrics";
import { InsufficientCreditsError, sendEmails, type Sender } from "@/lib/sending";
import type { OutgoingEmail } from "@/lib/sending/outgoing-email";

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

/**
 * The admission gate: the balance check and the hold are one conditional UPDATE in the statement that inserts
 * the sends, so concurrent sends can never spend the same credit; the dispatcher delivers them afterwards.
 */

const world = withTestWorld();

const email = (to: string[], extra: Partial<OutgoingEmail> = {}) => outgoingEmail(to, { text: "Hi there", ...extra });

describe("credit admission", () => {
  it("50 parallel sends at a balance of 5: exactly 5 sent, 45 refused with 402 details, all billed in Dodo", async () => {
    const { user, customerId } = await createFundedUser(world, 5);
    const sender: Sender = { userId: user.id, customerId, source: "api" };
    const before = world.emulators.resend.messages().length;

    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => sendEmails(sender, [email([`user${i}@example.com`])])),
    );

    const sent = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(sent).toHaveLength(5);
    expect(refused).toHaveLength(45);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(InsufficientCreditsError);
      expect(r.reason).toMatchObject({ required: 1, available: 0 });
    }
    expect(await db.emailSend.count({ where: { userId: user.id, status: "queued" } })).toBe(5);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 5, reserved: 5, available: 0 });
    await deliverQueued();
    expect(world.emulators.resend.messages().length - before).toBe(5);
    expect(await db.emailSend.count({ where: { userId: user.id } })).toBe(5);
    // Accepted by Resend (delivery webhooks may already have moved some on to "delivered").
    expect(await db.emailSend.count({ where: { userId: user.id, status: { in: [...ACCEPTED_STATUSES] } } })).toBe(5);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 0, reserved: 0, available: 0 });

    await settleOutbox();
    // One coalesced debit covers the five emails.
    const debits = await dodoDebits(world, customerId);
    expect(debits.map((d) => d.amount)).toEqual(["5"]);
    expect(debits[0]!.description).toMatch(/^MailKit: 5 emails, 5 credits \(debit /);
    const sends = await db.emailSend.findMany({ where: { userId: user.id } });
    expect(sends.every((s) => s.resendId && s.debitId)).toBe(true);
    expect(await db.creditDebit.count({ where: { customerId, status: "done" } })).toBe(1);
    expect(await dodoBalance(world, customerId)).toBe(0);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 0, reserved: 0, available: 0 });
  });

  it("charges one credit per distinct recipient across to, cc and bcc, case-insensitively", async () => {
    const { user, customerId } = await createFundedUser(world, 10);
    const result = await sendEmails({ userId: user.id, customerId, source: "dashboard" }, [
      email(["A@example.com", "a@example.com", "Bee <b@example.com>"], {
        cc: ["B@EXAMPLE.com", "c@example.com"],
        bcc: ["d@example.com", "A@Example.com"],
      }),
    ]);
    expect(result).toMatchObject({ creditsCharged: 4, creditsRemaining: 6, emails: [{ status: "queued" }] });
    expect((await db.emailSend.findUniqueOrThrow({ where: { id: result.emails[0]!.id } })).cost).toBe(4);
    await settleOutbox();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["4"]);
  });

  it("refuses a send that costs more than what is left, holding nothing", async () => {
    const { user, customerId } = await createFundedUser(world, 2);
    await expect(
      sendEmails({ userId: user.id, customerId, source: "api" }, [
        email(["a@example.com", "b@example.com", "c@example.com"]),
      ]),
    ).rejects.toMatchObject({
      required: 3,
      available: 2,
    });
    expect(await mailkitCredits(customerId)).toEqual({ balance: 2, reserved: 0, available: 2 });
    expect(await db.emailSend.count({ where: { userId: user.id } })).toBe(0);
  });

  it("a user without a Dodo customer has nothing to spend", async () => {
    const user = await db.user.create({ data: { email: `nocustomer-${Date.now()}@example.com` } });
    await expect(
      // From the shared sender to the owner (allowed before any domain is verified): refused for the credits alone.
      sendEmails({ userId: user.id, customerId: null, source: "api" }, [
        email([user.email], { from: getEnv().EMAIL_FROM }),
      ]),
    ).rejects.toBeInstanceOf(InsufficientCreditsError);
  });

  it("a refusal that finds nothing in flight asks the sync loop to re-read Dodo (a missed top-up webhook), without calling Dodo itself", async () => {
    const { user, customerId } = await createFundedUser(world, 0);
    // Credits land in Dodo, but MailKit never heard of them (their webhook is held back) and its last sync is old.
    const { grantCredits } = await import("./helpers/environment");
    await world.emulators.dodo.idle();
    world.emulators.dodo.pauseWebhooks();
    try {
      await grantCredits(world, customerId, 3);
      await db.creditAccount.update({ where: { customerId }, data: { syncedAt: new Date(Date.now() - 3600_000) } });
      const sender: Sender = { userId: user.id, customerId, source: "api" };
      const dodoCalls = async () => (await metrics.dodoCalls.get()).values.reduce((n, v) => n + v.value, 0);
      const before = await dodoCalls();
      await expect(sendEmails(sender, [email(["a@example.com"])])).rejects.toMatchObject({ required: 1, available: 0 });
      expect(await dodoCalls()).toBe(before); // nothing on the request path
      expect((await db.creditAccount.findUnique({ where: { customerId } }))?.syncRequestedAt).not.toBeNull();
      expect(await runRequestedSyncs()).toBe(1);
      const result = await sendEmails(sender, [email(["a@example.com"])]);
      expect(result).toMatchObject({ creditsCharged: 1, creditsRemaining: 2 });
    } finally {
      world.emulators.dodo.resumeWebhooks();
    }
  });

  it("a batch holds its whole cost or nothing", async () => {
    const { user, customerId } = await createFundedUser(world, 3);
    const sender: Sender = { userId: user.id, customerId, source: "api" };
    await expect(
      sendEmails(sender, [
        email(["a@example.com"]),
        email(["b@example.com", "c@example.com"]),
        email(["d@example.com"]),
      ]),
    ).rejects.toMatchObject({
      required: 4,
      available: 3,
    });
    expect(await db.emailSend.count({ where: { userId: user.id } })).toBe(0);
    const ok = await sendEmails(sender, [email(["a@example.com"]), email(["b@example.com", "c@example.com"])]);
    expect(ok).toMatchObject({ creditsCharged: 3, creditsRemaining: 0 });
    await deliverQueued();
    const rows = await db.emailSend.findMany({ where: { userId: user.id }, orderBy: { batchIndex: "asc" } });
    expect(rows.map((r) => [r.batchIndex, r.resendId !== null, r.cost])).toEqual([
      [0, true, 1],
      [1, true, 2],
    ]);
    await settleOutbox();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["3"]);
  });
});
