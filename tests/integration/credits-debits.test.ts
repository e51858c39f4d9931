import { randomUUID } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";

import { ensureDodoCustomer } from "@/lib/billing/customer";
import { readDodoBalance, syncCreditsFromDodo } from "@/lib/credits";
import { cutDueDebits, flushAllDebits, postPendingDebits } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { claimDueJobs, completeJob, enqueue, failJob } from "@/lib/outbox";
import { toResendPayload } from "@/lib/sending";
import { admit } from "@/lib/sending/admission";
import { drainDispatcher } from "@/lib/sending/dispatcher";

import { outgoingEmail, withLocalServices } from "./helpers/environment";

/**
 * The Dodo side of sending: what Resend accepted is billed by coalesced debits that land in Dodo's ledger
 * exactly once, whatever Dodo answers, and MailKit's credit view never gives spent credits back.
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
  return { customerId, userId: user.id };
}

/** Sends `count` emails of `cost` recipients each through the real admission and dispatcher. */
async function spend(customer: { customerId: string; userId: string }, count: number, cost = 1) {
  const rows = Array.from({ length: count }, (_, i) => {
    const id = randomUUID();
    const to = Array.from({ length: cost }, (_, r) => `r${r}-${i}-${id.slice(0, 8)}@example.com`);
    return {
      id,
      userId: customer.userId,
      customerId: customer.customerId,
      apiKeyId: null,
      source: "api",
      batchId: null,
      batchIndex: null,
      fromAddress: "hello@acme.test",
      to,
      cc: [],
      bcc: [],
      subject: "Debits",
      payload: toResendPayload(outgoingEmail(to), id),
      cost,
      batchable: true,
    };
  });
  expect(await admit({ customerId: customer.customerId, rows })).toMatchObject({ admitted: true });
  await drainDispatcher();
  return rows.map((r) => r.id);
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
const debitOf = async (customerId: string) => db.creditDebit.findFirstOrThrow({ where: { customerId } });
const dueNow = (customerId: string) =>
  db.creditDebit.updateMany({
    where: { customerId, status: "pending" },
    data: { runAt: new Date(0), lockedUntil: null },
  });

describe("coalesced Dodo debits", () => {
  beforeEach(async () => {
    services.emulators.dodo.faults.clear();
    services.emulators.dodo.updateSettings({ idempotencyReplay: "replay" });
    await flushAllDebits(); // nothing left over from an earlier test
  });

  it("one debit covers the customer's accepted sends; the synced view equals Dodo's balance", async () => {
    const customer = await fundedCustomer(100);
    const ids = await spend(customer, 3);
    const { customerId } = customer;
    expect((await account(customerId)).balance).toBe(97); // spent before Dodo knows
    expect(await syncCreditsFromDodo(customerId, "test")).toMatchObject({
      synced: true,
      dodoBalance: 100,
      balance: 97,
    });

    // Not due yet (younger than the flush interval, fewer credits than the flush threshold)…
    expect(await cutDueDebits()).toBe(0);
    // …until it is.
    await db.unbilledSend.updateMany({ where: { customerId }, data: { acceptedAt: new Date(Date.now() - 60_000) } });
    expect(await cutDueDebits()).toBe(1);
    const debit = await debitOf(customerId);
    expect(debit).toMatchObject({ status: "pending", credits: 3, emails: 3 });
    expect(debit.idempotencyKey).toMatch(/^mailkit-debit\/[0-9a-f]{48}$/);
    expect(await db.emailSend.count({ where: { id: { in: ids }, debitId: debit.id } })).toBe(3);
    expect(await db.unbilledSend.count({ where: { customerId } })).toBe(0);

    expect(await postPendingDebits()).toBe(1);
    expect(await debitOf(customerId)).toMatchObject({ status: "done", balanceAfter: 97 });
    expect(await readDodoBalance(customerId)).toBe(97);
    expect((await ledgerDebits(customerId)).map((d) => d.amount)).toEqual(["3"]);
    expect(await syncCreditsFromDodo(customerId, "test")).toMatchObject({ synced: true, dodoBalance: 97, balance: 97 });
  });

  it("cutting from two instances at once puts every send in exactly one debit", async () => {
    const customer = await fundedCustomer(100);
    const ids = await spend(customer, 40);
    await Promise.all([cutDueDebits({ force: true }), cutDueDebits({ force: true }), cutDueDebits({ force: true })]);
    const debits = await db.creditDebit.findMany({ where: { customerId: customer.customerId } });
    expect(debits.reduce((sum, d) => sum + d.credits, 0)).toBe(40);
    const sends = await db.emailSend.findMany({ where: { id: { in: ids } }, select: { debitId: true } });
    expect(sends.every((s) => debits.some((d) => d.id === s.debitId))).toBe(true);
    await flushAllDebits();
    expect(await readDodoBalance(customer.customerId)).toBe(60);
  });

  it("a lost response with Dodo's 409 for a repeated key: the retry completes, one debit in the ledger", async () => {
    services.emulators.dodo.updateSettings({ idempotencyReplay: "conflict" });
    const customer = await fundedCustomer(100);
    const { customerId } = customer;
    await spend(customer, 1, 5);
    await cutDueDebits({ force: true });
    services.emulators.dodo.faults.add({
      method: "POST",
      pathPrefix: "/credit-entitlements",
      status: 503,
      count: 1,
      afterHandling: true,
    });

    await postPendingDebits();
    expect((await debitOf(customerId)).status).toBe("pending"); // Dodo has it; MailKit does not know yet
    expect(await readDodoBalance(customerId)).toBe(95);
    // Meanwhile a sync is conservative (never over-admits): the debit may be counted twice, never zero times.
    expect((await syncCreditsFromDodo(customerId, "test")).balance).toBeLessThanOrEqual(95);

    await dueNow(customerId);
    await postPendingDebits();
    expect((await debitOf(customerId)).status).toBe("done");
    expect(await ledgerDebits(customerId)).toHaveLength(1);
    expect(await syncCreditsFromDodo(customerId, "test")).toMatchObject({ synced: true, balance: 95 });
  });

  it("retries auth errors and outages instead of dropping the debit", async () => {
    const customer = await fundedCustomer(100);
    const { customerId } = customer;
    await spend(customer, 1, 2);
    await cutDueDebits({ force: true });
    services.emulators.dodo.faults.add({ method: "POST", pathPrefix: "/credit-entitlements", status: 401, count: 1 });
    await postPendingDebits();
    expect(await debitOf(customerId)).toMatchObject({ status: "pending", attempts: 1 });
    expect((await debitOf(customerId)).lastError).toMatch(/401/);

    await db.creditDebit.updateMany({ where: { customerId }, data: { runAt: new Date(0), attempts: 400 } });
    await postPendingDebits(); // far past any attempt limit: a debit never dies of old age
    expect((await debitOf(customerId)).status).toBe("done");
    expect(await readDodoBalance(customerId)).toBe(98);
  });

  it("a debit Dodo refuses stays counted as spent: the next sync does not give the credits back", async () => {
    const customer = await fundedCustomer(10);
    const { customerId } = customer;
    await spend(customer, 1, 4);
    // Dodo's balance drops behind MailKit's back (an operator debit), so Dodo refuses MailKit's debit.
    await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
      credit_entitlement_id: services.catalog.entitlementId,
      entry_type: "debit",
      amount: "8",
    });
    await flushAllDebits();
    const refused = await debitOf(customerId);
    expect(refused.status).toBe("dead");
    expect(refused.lastError).toMatch(/400/);
    const synced = await syncCreditsFromDodo(customerId, "test");
    expect(synced).toMatchObject({ synced: true, dodoBalance: 2, balance: -2 });
    expect(synced.available).toBeLessThanOrEqual(0);
  });
});

describe("the outbox (durable jobs)", () => {
  it("a run whose lease expired cannot complete or fail the job another instance now holds", async () => {
    await db.$transaction((tx) => enqueue(tx, { kind: "test.lease", key: "test-lease", payload: {} }));
    const [first] = await claimDueJobs(10, 30_000, ["test.lease"]);
    expect(first).toBeDefined();
    // The first lease runs out while its holder is stuck; another instance claims the job.
    await db.outboxJob.update({ where: { id: first!.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const [second] = await claimDueJobs(10, 30_000, ["test.lease"]);
    expect(second?.id).toBe(first!.id);

    expect(await db.$transaction((tx) => completeJob(tx, second!))).toBe(true);
    await failJob(first!, new Error("late timeout of the first run"));
    expect((await db.outboxJob.findUniqueOrThrow({ where: { key: "test-lease" } })).status).toBe("done");
    expect(await db.$transaction((tx) => completeJob(tx, first!))).toBe(false);
  });
});
