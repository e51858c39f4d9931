import { spawn } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

import { AUTO_TOP_UP_JOB, configureAutoTopUp } from "@/lib/billing/auto-top-up";
import { balanceWatchPass, registerBillingJobs } from "@/lib/billing/background";
import { saveAutoTopUp } from "@/lib/billing/automation";
import { PRODUCT } from "@/lib/catalog/product";
import { syncCreditsFromDodo } from "@/lib/credits";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { drainJobs } from "@/lib/outbox/worker";
import { sendEmails } from "@/lib/sending";

import { createFundedUser, dodoBalance, outgoingEmail, withTestWorld, type TestWorld } from "./helpers/environment";

/**
 * Auto top-up against the Dodo emulator through the SDK: the plan's checkout saves the card, a crossing below the
 * threshold buys packs on it (checkout session with confirm + payment_method_id) exactly once, within the monthly
 * cap, and three declined charges turn it off with one email to the owner.
 */
const world = withTestWorld();
const onPostgres = process.env.MAILKIT_TEST_DATABASE === "postgres";

beforeAll(() => {
  registerBillingJobs();
  configureAutoTopUp({ retryDelayMs: 0 });
});

/** A subscriber: funded user whose plan checkout went through the emulator's hosted page (which saves the card). */
async function subscriber(w: TestWorld, label: string) {
  const { user, customerId } = await createFundedUser(w, 0, label);
  const session = await getDodo().checkoutSessions.create({
    product_cart: [{ product_id: w.catalog.planProductId, quantity: 1 }],
    customer: { customer_id: customerId },
  });
  w.emulators.dodo.completeCheckout(session.session_id);
  await w.emulators.dodo.idle();
  await syncCreditsFromDodo(customerId, "test: plan paid");
  return { user, customerId };
}

/** Moves Dodo's balance by `amount` (a manual ledger entry, as an operator would) and syncs MailKit's view. */
async function adjust(w: TestWorld, customerId: string, amount: number) {
  await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: w.catalog.entitlementId,
    entry_type: amount >= 0 ? "credit" : "debit",
    amount: String(Math.abs(amount)),
    reason: "test adjustment",
  });
  await syncCreditsFromDodo(customerId, "test adjustment");
}

/** Runs what the background loops would: the watch, the charge jobs, and the resync the new credits ask for. */
async function settleTopUps(w: TestWorld, customerId: string) {
  await balanceWatchPass();
  await drainJobs();
  await w.emulators.dodo.idle();
  await syncCreditsFromDodo(customerId, "test: after top-up");
}

const attempts = (customerId: string) =>
  db.autoTopUp.findMany({ where: { customerId }, orderBy: [{ crossing: "asc" }, { attempt: "asc" }] });

async function autoTopUpPayments(customerId: string) {
  const page = await getDodo().payments.list({ customer_id: customerId, page_number: 0, page_size: 100 });
  return page.items.filter((p) => p.metadata?.mailkit_checkout === "auto_top_up");
}

describe("auto top-up", () => {
  it("buys the packs once per crossing under 50 concurrent sends, and again only after the balance recovered", async () => {
    const { user, customerId } = await subscriber(world, "auto-concurrent");
    await saveAutoTopUp(user, { enabled: true, threshold: 4_990, packs: 1, monthlyCap: 5 });
    const sends = Array.from({ length: 50 }, async (_, i) => {
      await sendEmails({ userId: user.id, customerId, source: "api" }, [outgoingEmail(`r${i}@example.com`)]);
      await balanceWatchPass(); // every admission races the others to see the crossing
    });
    await Promise.all(sends);
    await settleTopUps(world, customerId);

    expect((await attempts(customerId)).map((a) => [a.crossing, a.attempt, a.status])).toEqual([[1, 1, "succeeded"]]);
    expect(await autoTopUpPayments(customerId)).toHaveLength(1);
    expect(await dodoBalance(world, customerId)).toBe(PRODUCT.plan.credits + PRODUCT.topUp.credits);

    // Back above the threshold: armed again. The next crossing buys again.
    await balanceWatchPass();
    expect((await db.creditAccount.findUniqueOrThrow({ where: { customerId } })).autoTopUpArmed).toBe(true);
    await adjust(world, customerId, -(PRODUCT.topUp.credits + 100));
    await settleTopUps(world, customerId);
    expect((await attempts(customerId)).map((a) => [a.crossing, a.status])).toEqual([
      [1, "succeeded"],
      [2, "succeeded"],
    ]);
    expect(await autoTopUpPayments(customerId)).toHaveLength(2);
  });

  it("respects the monthly cap: a crossing past it is recorded as capped and charges nothing", async () => {
    const { user, customerId } = await subscriber(world, "auto-cap");
    await saveAutoTopUp(user, { enabled: true, threshold: 1_000, packs: 2, monthlyCap: 3 });
    await adjust(world, customerId, -4_500); // 500 left
    await settleTopUps(world, customerId);
    expect(await dodoBalance(world, customerId)).toBe(500 + 2 * PRODUCT.topUp.credits);

    await adjust(world, customerId, -(2 * PRODUCT.topUp.credits)); // 500 left again: 2 more packs would make 4 > 3
    await settleTopUps(world, customerId);
    const all = await attempts(customerId);
    expect(all.map((a) => [a.crossing, a.status])).toEqual([
      [1, "succeeded"],
      [2, "capped"],
    ]);
    expect(all[1]!.error).toMatch(/Monthly cap of 3 packs/);
    expect(await autoTopUpPayments(customerId)).toHaveLength(1);
    expect(await dodoBalance(world, customerId)).toBe(500);
  });

  it("retries a declined charge once; the third decline in a row turns it off and emails the owner once", async () => {
    const { user, customerId } = await subscriber(world, "auto-declined");
    await saveAutoTopUp(user, { enabled: true, threshold: 1_000, packs: 1, monthlyCap: 10 });
    const declines = await fetch(
      `${world.emulators.url}/_emulator/dodo/customers/${customerId}/decline-saved-charges`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: 3 }),
      },
    );
    expect(declines.status).toBe(200);

    await adjust(world, customerId, -4_500);
    await settleTopUps(world, customerId);
    expect((await attempts(customerId)).map((a) => [a.crossing, a.attempt, a.status])).toEqual([
      [1, 1, "failed"],
      [1, 2, "failed"],
    ]);
    let account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
    expect([account.autoTopUpEnabled, account.autoTopUpFailures]).toEqual([true, 2]);

    // The owner pays by other means; the next crossing's charge is the third decline.
    await adjust(world, customerId, 1_000);
    await balanceWatchPass(); // re-armed
    await adjust(world, customerId, -1_000);
    await settleTopUps(world, customerId);
    await settleTopUps(world, customerId); // nothing more happens
    expect((await attempts(customerId)).map((a) => [a.crossing, a.attempt, a.status])).toEqual([
      [1, 1, "failed"],
      [1, 2, "failed"],
      [2, 1, "failed"],
    ]);
    account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
    expect(account.autoTopUpEnabled).toBe(false);
    expect(account.autoTopUpOffReason).toMatch(/3 declined charges/);
    await world.emulators.resend.idle();
    const emails = world.emulators.resend
      .messages()
      .filter((m) => m.to.includes(user.email) && m.subject.startsWith("Auto top-up"));
    expect(emails.map((m) => m.subject)).toEqual(["Auto top-up is off: your payment method was declined"]);
    expect(await autoTopUpPayments(customerId)).toHaveLength(3);
    expect((await autoTopUpPayments(customerId)).every((p) => p.status === "failed")).toBe(true);
  });
});

describe("auto top-up retries", () => {
  it("a retry that finds the balance back above the threshold charges nothing and re-arms", async () => {
    const { user, customerId } = await subscriber(world, "auto-retry-not-needed");
    await saveAutoTopUp(user, { enabled: true, threshold: 1_000, packs: 1, monthlyCap: 10 });
    await fetch(`${world.emulators.url}/_emulator/dodo/customers/${customerId}/decline-saved-charges`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ count: 1 }),
    });
    configureAutoTopUp({ retryDelayMs: 60_000 });
    try {
      await adjust(world, customerId, -4_500); // 500 left: crossed; the charge is declined, its retry due in a minute
      await settleTopUps(world, customerId);
      expect((await attempts(customerId)).map((a) => [a.attempt, a.status])).toEqual([
        [1, "failed"],
        [2, "pending"],
      ]);
      await adjust(world, customerId, 1_000); // the owner bought credits another way: 1,500
      await db.outboxJob.updateMany({
        where: { kind: AUTO_TOP_UP_JOB, customerId, status: "pending" },
        data: { runAt: new Date() },
      });
      await settleTopUps(world, customerId);
    } finally {
      configureAutoTopUp({ retryDelayMs: 0 });
    }
    const all = await attempts(customerId);
    expect(all.map((a) => [a.attempt, a.status])).toEqual([
      [1, "failed"],
      [2, "skipped"],
    ]);
    expect(all[1]!.error).toMatch(/Not needed/);
    expect(await autoTopUpPayments(customerId)).toHaveLength(1); // only the declined one
    const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
    expect([account.autoTopUpEnabled, account.autoTopUpFailures, account.autoTopUpArmed]).toEqual([true, 1, true]);
  });
});

describe.skipIf(!onPostgres)("auto top-up on two app processes over one PostgreSQL", () => {
  it("50 sends split across two processes, each watching the balance: one top-up for the crossing", async () => {
    const { user, customerId } = await subscriber(world, "auto-two-processes");
    await saveAutoTopUp(user, { enabled: true, threshold: 4_990, packs: 1, monthlyCap: 5 });
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      EMULATOR_URL: world.emulators.url,
      APP_URL: world.app.url,
      MAILKIT_WORKER_USER_ID: user.id,
      MAILKIT_WORKER_CUSTOMER_ID: customerId,
      MAILKIT_WORKER_COUNT: "25",
    };
    const workers = ["one", "two"].map((label) => {
      const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/helpers/balance-watch-worker.ts"], {
        env: { ...process.env, ...common, MAILKIT_WORKER_LABEL: label, MAILKIT_TEST_DATABASE: "" },
        stdio: ["pipe", "pipe", "pipe"],
      });
      let out = "";
      let err = "";
      const ready = new Promise<void>((resolve) =>
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes("ready")) resolve();
        }),
      );
      child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
      const done = new Promise<{ sent: number; errors: string[] }>((resolve, reject) =>
        child.on("exit", (code) => {
          const line = out.split("\n").find((l) => l.startsWith("{"));
          if (code !== 0 || !line) reject(new Error(`worker exited ${code}: ${err || out}`));
          else resolve(JSON.parse(line) as { sent: number; errors: string[] });
        }),
      );
      return { child, ready, done };
    });
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.write("go\n");
    const outcomes = await Promise.all(workers.map((w) => w.done));
    expect(outcomes.flatMap((o) => o.errors)).toEqual([]);
    expect(outcomes.reduce((n, o) => n + o.sent, 0)).toBe(50);
    await settleTopUps(world, customerId);
    expect((await attempts(customerId)).map((a) => [a.crossing, a.attempt, a.status])).toEqual([[1, 1, "succeeded"]]);
    expect(await autoTopUpPayments(customerId)).toHaveLength(1);
  });
});
