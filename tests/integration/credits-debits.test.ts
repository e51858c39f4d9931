import { beforeEach, describe, expect, it } from "vitest";

import { ensureDodoCustomer } from "@/lib/billing/customer";
import { captureCredits, readDodoBalance, reserveCredits, syncCreditsFromDodo } from "@/lib/credits";
import { DODO_DEBIT_JOB } from "@/lib/credits/debit";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { claimDueJobs, completeJob, enqueue, failJob } from "@/lib/outbox";
import { drainJobs, runDueJobs } from "@/lib/outbox/worker";

import { withLocalServices } from "./helpers/environment";

/**
 * The Dodo side of a send: the debit queued in the outbox lands in Dodo's ledger exactly once, whatever Dodo
 * answers, and MailKit's credit view never gives spent credits back.
 */
const services = withLocalServices();
let n = 0;

async function fundedCustomer(credits: number) {
  const user = await db.user.create({ data: { email: `debits-${++n}@example.com` } });
  const customerId = await ensureDodoCustomer({ ...user });
  await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: services.catalog.entitlementId,
    entry_type: "credit",
    amount: String(credits),
  });
  await syncCreditsFromDodo(customerId, "test");
  return customerId;
}

/** What the send pipeline does once Resend accepted: capture the hold and queue the debit, atomically. */
async function spend(customerId: string, cost: number, sendId: string) {
  await db.$transaction(async (tx) => {
    const admission = await reserveCredits(tx, customerId, cost, sendId);
    expect(admission.admitted).toBe(true);
    await captureCredits(tx, customerId, cost, sendId);
    await enqueue(tx, {
      kind: DODO_DEBIT_JOB,
      key: `dodo-debit/${sendId}`,
      customerId,
      credits: cost,
      payload: { idempotencyKey: `resend-id-${sendId}`, reason: `MailKit send ${sendId}`, sendId },
    });
  });
}

const ledgerDebits = async (customerId: string) => {
  const page = await getDodo().creditEntitlements.balances.listLedger(customerId, {
    credit_entitlement_id: services.catalog.entitlementId,
    page_number: 0,
    page_size: 100,
  });
  return page.items.filter((e) => !e.is_credit);
};
const account = (customerId: string) => db.creditAccount.findUniqueOrThrow({ where: { customerId } });
const job = (sendId: string) => db.outboxJob.findUniqueOrThrow({ where: { key: `dodo-debit/${sendId}` } });

describe("Dodo debits through the outbox", () => {
  beforeEach(async () => {
    services.emulators.dodo.faults.clear();
    services.emulators.dodo.updateSettings({ idempotencyReplay: "replay" });
    await drainJobs(); // nothing left over from an earlier test
  });

  it("posts a captured send's debit once, and the synced view equals Dodo's balance", async () => {
    const customerId = await fundedCustomer(100);
    await spend(customerId, 3, "send-ok");
    expect((await account(customerId)).balance).toBe(97); // spent before Dodo knows
    expect(await syncCreditsFromDodo(customerId, "test")).toMatchObject({
      synced: true,
      dodoBalance: 100,
      balance: 97,
    });

    await drainJobs();
    expect((await job("send-ok")).status).toBe("done");
    expect(await readDodoBalance(customerId)).toBe(97);
    expect(await ledgerDebits(customerId)).toHaveLength(1);
    expect(await syncCreditsFromDodo(customerId, "test")).toMatchObject({ synced: true, dodoBalance: 97, balance: 97 });
  });

  it("a lost response with Dodo's 409 for a repeated key: the retry completes, one debit in the ledger", async () => {
    services.emulators.dodo.updateSettings({ idempotencyReplay: "conflict" });
    const customerId = await fundedCustomer(100);
    await spend(customerId, 5, "send-409");
    services.emulators.dodo.faults.add({
      method: "POST",
      pathPrefix: "/credit-entitlements",
      status: 503,
      count: 1,
      afterHandling: true,
    });

    await runDueJobs();
    expect((await job("send-409")).status).toBe("pending"); // Dodo has it; MailKit does not know yet
    expect(await readDodoBalance(customerId)).toBe(95);
    // Meanwhile a sync is conservative (never over-admits): the debit may be counted twice, never zero times.
    expect((await syncCreditsFromDodo(customerId, "test")).balance).toBeLessThanOrEqual(95);

    await db.outboxJob.update({ where: { key: "dodo-debit/send-409" }, data: { runAt: new Date(0) } });
    await runDueJobs();
    expect(await job("send-409")).toMatchObject({ status: "done", result: { alreadyRecorded: true } });
    expect(await ledgerDebits(customerId)).toHaveLength(1);
    expect(await syncCreditsFromDodo(customerId, "test")).toMatchObject({ synced: true, balance: 95 });
  });

  it("retries auth errors and outages instead of dropping the debit", async () => {
    const customerId = await fundedCustomer(100);
    await spend(customerId, 2, "send-401");
    services.emulators.dodo.faults.add({ method: "POST", pathPrefix: "/credit-entitlements", status: 401, count: 1 });
    await runDueJobs();
    expect(await job("send-401")).toMatchObject({ status: "pending", attempts: 1 });
    expect((await job("send-401")).lastError).toMatch(/401/);

    await db.outboxJob.update({ where: { key: "dodo-debit/send-401" }, data: { runAt: new Date(0), attempts: 400 } });
    await runDueJobs(); // far past MAX_ATTEMPTS: a debit still never dies of old age
    expect((await job("send-401")).status).toBe("done");
    expect(await readDodoBalance(customerId)).toBe(98);
  });

  it("a debit Dodo refuses stays counted as spent: the next sync does not give the credits back", async () => {
    const customerId = await fundedCustomer(10);
    await spend(customerId, 4, "send-refused");
    // Dodo's balance drops behind MailKit's back (an operator debit), so Dodo refuses MailKit's debit.
    await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
      credit_entitlement_id: services.catalog.entitlementId,
      entry_type: "debit",
      amount: "8",
    });
    await drainJobs();
    const refused = await job("send-refused");
    expect(refused.status).toBe("dead");
    expect(refused.lastError).toMatch(/400/);
    const synced = await syncCreditsFromDodo(customerId, "test");
    expect(synced).toMatchObject({ synced: true, dodoBalance: 2, balance: -2 });
    expect(synced.available).toBeLessThanOrEqual(0);
  });

  it("a run whose lease expired cannot complete or fail the job another instance now holds", async () => {
    const customerId = await fundedCustomer(10);
    await spend(customerId, 1, "send-lease");
    const [first] = await claimDueJobs(10, 30_000, [DODO_DEBIT_JOB]);
    expect(first).toBeDefined();
    // The first lease runs out while its holder is stuck; another instance claims the job.
    await db.outboxJob.update({ where: { id: first!.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const [second] = await claimDueJobs(10, 30_000, [DODO_DEBIT_JOB]);
    expect(second?.id).toBe(first!.id);

    expect(await db.$transaction((tx) => completeJob(tx, second!))).toBe(true);
    await failJob(first!, new Error("late timeout of the first run"));
    expect((await job("send-lease")).status).toBe("done");
    expect(await db.$transaction((tx) => completeJob(tx, first!))).toBe(false);
  });
});
