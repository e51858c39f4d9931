import { beforeEach, describe, expect, it } from "vitest";

import { ensureDodoCustomer } from "@/lib/billing/customer";
import { runRequestedSyncs } from "@/lib/credits";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { drainJobs } from "@/lib/outbox/worker";

import {
  deliverDodoWebhook,
  ledgerData,
  lowBalanceEvent,
  paymentData,
  subscriptionData,
} from "../support/dodo-webhooks";
import { withLocalServices } from "./helpers/environment";

const services = withLocalServices();

async function newCustomer(email: string) {
  const user = await db.user.create({ data: { email } });
  const customerId = await ensureDodoCustomer({ ...user });
  return { user, customerId };
}

async function grant(customerId: string, amount: number) {
  await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: services.catalog.entitlementId,
    entry_type: amount >= 0 ? "credit" : "debit",
    amount: String(Math.abs(amount)),
    reason: "test",
  });
}

const account = (customerId: string) => db.creditAccount.findUniqueOrThrow({ where: { customerId } });
const receipts = () => db.webhookReceipt.count();

describe("POST /api/webhooks/dodo", () => {
  let customerId: string;
  /** credit.added for this test's customer, as Dodo sends it after a grant. */
  const creditAdded = (amount: number) => ({
    type: "credit.added",
    data: ledgerData({
      customerId,
      entitlementId: services.catalog.entitlementId,
      type: "credit_added",
      amount,
      isCredit: true,
    }),
  });
  let userId: string;
  let n = 0;

  beforeEach(async () => {
    const created = await newCustomer(`webhooks-${++n}@example.com`);
    customerId = created.customerId;
    userId = created.user.id;
  });

  it("applies a valid credit.added: MailKit's credit view follows Dodo's balance", async () => {
    await grant(customerId, 5000);
    const result = await deliverDodoWebhook(creditAdded(5000));
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ received: true, outcome: "applied" });
    expect((await account(customerId)).balance).toBe(5000);
    expect(await db.webhookReceipt.findUnique({ where: { id: result.id } })).not.toBeNull();
  });

  it("refuses a bad signature with 401 and changes nothing", async () => {
    await grant(customerId, 100);
    const before = await receipts();
    const result = await deliverDodoWebhook(creditAdded(100), {
      secret: "whsec_" + Buffer.from("someone-else").toString("base64"),
    });
    expect(result.status).toBe(401);
    expect(String(result.body.error)).toMatch(/signature/i);
    expect(await receipts()).toBe(before);
    expect((await account(customerId)).balance).toBe(0);
  });

  it("refuses a stale timestamp with 401 (replayed old delivery)", async () => {
    await grant(customerId, 100);
    const result = await deliverDodoWebhook(creditAdded(100), { signedAt: new Date(Date.now() - 11 * 60_000) });
    expect(result.status).toBe(401);
    expect(String(result.body.message)).toMatch(/too old/i);
    expect((await account(customerId)).balance).toBe(0);
  });

  it("answers 400 to a correctly signed body that is not JSON", async () => {
    const result = await deliverDodoWebhook({ type: "x", data: {} }, { rawBody: "not json" });
    expect(result.status).toBe(400);
  });

  it("acknowledges a duplicate delivery with 200 and applies it once", async () => {
    await db.creditAccount.update({ where: { customerId }, data: { allowance: 5000 } });
    await grant(customerId, 900);
    const event = lowBalanceEvent({ customerId, entitlementId: services.catalog.entitlementId, available: 900 });
    const first = await deliverDodoWebhook(event, { id: "msg_duplicate_test" + n });
    const second = await deliverDodoWebhook(event, { id: "msg_duplicate_test" + n });
    expect(first.status).toBe(200);
    expect(second).toMatchObject({ status: 200, body: { received: true, outcome: "duplicate" } });
    expect(await db.outboxJob.count({ where: { customerId, kind: "email.low_balance" } })).toBe(1);
  });

  it("credit.balance_low: banner + one email per crossing, re-armed when the balance recovers", async () => {
    await db.creditAccount.update({ where: { customerId }, data: { allowance: 5000 } });
    await grant(customerId, 800);
    const low = () => lowBalanceEvent({ customerId, entitlementId: services.catalog.entitlementId, available: 800 });

    await deliverDodoWebhook(low());
    expect((await account(customerId)).lowBalanceSince).not.toBeNull();
    await deliverDodoWebhook(low()); // another event in the same crossing: no second email
    expect(await db.outboxJob.count({ where: { customerId, kind: "email.low_balance" } })).toBe(1);

    // The warning email goes out through Resend (the emulator's inbox).
    await drainJobs(["email.low_balance"]);
    const messages = services.emulators.resend.messages().filter((m) => m.to.includes(`webhooks-${n}@example.com`));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.subject).toMatch(/800 email credits left/);

    // A top-up lifts the balance above 1,000: the banner goes and the warning is re-armed.
    await grant(customerId, 5000);
    await deliverDodoWebhook(creditAdded(5000));
    expect((await account(customerId)).lowBalanceSince).toBeNull();

    await grant(customerId, -5000);
    await deliverDodoWebhook(low());
    expect(await db.outboxJob.count({ where: { customerId, kind: "email.low_balance" } })).toBe(2);
  });

  it("ignores a late balance_low that arrives after a top-up already lifted the balance", async () => {
    await db.creditAccount.update({ where: { customerId }, data: { allowance: 5000 } });
    await grant(customerId, 6000);
    const result = await deliverDodoWebhook(
      lowBalanceEvent({ customerId, entitlementId: services.catalog.entitlementId, available: 900 }),
    );
    expect(result.status).toBe(200);
    expect((await account(customerId)).lowBalanceSince).toBeNull();
  });

  it("handles payment.succeeded before subscription.active, and an older subscription event after a newer one", async () => {
    const subscriptionId = `sub_order_${n}`;
    const base = {
      subscriptionId,
      customerId,
      productId: services.catalog.planProductId,
      entitlementId: services.catalog.entitlementId,
    };
    const pay = await deliverDodoWebhook({
      type: "payment.succeeded",
      data: paymentData({ paymentId: `pay_order_${n}`, customerId, subscriptionId }),
    });
    expect(pay.status).toBe(200);
    expect(await db.payment.findUnique({ where: { id: `pay_order_${n}` } })).toMatchObject({
      userId,
      status: "succeeded",
      totalAmount: 1900,
    });

    const t0 = new Date();
    const renewedAt = new Date(t0.getTime() + 60_000).toISOString();
    const renewed = await deliverDodoWebhook({
      type: "subscription.renewed",
      timestamp: renewedAt,
      data: subscriptionData({ ...base, status: "active", nextBillingDate: "2027-01-22T00:00:00Z" }),
    });
    expect(renewed.status).toBe(200);
    // The original activation arrives late: it must not move the renewal date back.
    const late = await deliverDodoWebhook({
      type: "subscription.active",
      timestamp: t0.toISOString(),
      data: subscriptionData({ ...base, status: "active", nextBillingDate: "2026-12-22T00:00:00Z" }),
    });
    expect(late.status).toBe(200);
    const stored = await db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    expect(stored.nextBillingDate?.toISOString()).toBe("2027-01-22T00:00:00.000Z");
    expect(stored.status).toBe("active");
    expect((await account(customerId)).allowance).toBe(5000);

    const onHold = await deliverDodoWebhook({
      type: "subscription.on_hold",
      timestamp: new Date(t0.getTime() + 120_000).toISOString(),
      data: subscriptionData({ ...base, status: "on_hold", nextBillingDate: "2027-01-22T00:00:00Z" }),
    });
    expect(onHold.status).toBe(200);
    expect((await db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).status).toBe("on_hold");
  });

  it("answers 200 to unknown event types and records them", async () => {
    const result = await deliverDodoWebhook({ type: "dispute.opened", data: { payload_type: "Dispute" } });
    expect(result.status).toBe(200);
    expect(result.body.ignored).toMatch(/unhandled/);
  });

  it("ignores events for customers that are not MailKit users (forged or foreign customer IDs)", async () => {
    const result = await deliverDodoWebhook({
      type: "subscription.active",
      data: subscriptionData({
        subscriptionId: "sub_foreign",
        customerId: "cus_not_ours",
        productId: services.catalog.planProductId,
        entitlementId: services.catalog.entitlementId,
        status: "active",
        nextBillingDate: "2027-01-01T00:00:00Z",
      }),
    });
    expect(result.status).toBe(200);
    expect(await db.subscription.findUnique({ where: { id: "sub_foreign" } })).toBeNull();
  });

  it("a credit event while Dodo is unreachable is acknowledged and its sync runs once Dodo answers again", async () => {
    await grant(customerId, 300);
    services.emulators.dodo.faults.add({ method: "GET", pathPrefix: "/credit-entitlements", status: 503, count: 10 });
    const event = creditAdded(300);
    const answered = await deliverDodoWebhook(event, { id: `msg_retry_${n}` });
    // The sync request is stored with the receipt (durable), so Dodo need not retry the webhook.
    expect(answered.status).toBe(200);
    expect(await db.webhookReceipt.findUnique({ where: { id: `msg_retry_${n}` } })).not.toBeNull();
    expect((await account(customerId)).syncRequestedAt).not.toBeNull();
    expect(await runRequestedSyncs()).toBe(0); // Dodo still failing: the request stays
    services.emulators.dodo.faults.clear();
    expect(await runRequestedSyncs()).toBe(1);
    expect(await account(customerId)).toMatchObject({ balance: 300, syncRequestedAt: null });
  });

  it("payment.succeeded while Dodo is unreachable is recorded at once; its credit sync runs once Dodo answers", async () => {
    await grant(customerId, 500);
    services.emulators.dodo.faults.add({ method: "GET", pathPrefix: "/credit-entitlements", status: 503, count: 10 });
    const event = {
      type: "payment.succeeded",
      data: paymentData({ paymentId: `pay_retry_${n}`, customerId, amount: 900 }),
    };
    expect((await deliverDodoWebhook(event, { id: `msg_pay_retry_${n}` })).status).toBe(200);
    expect(await db.payment.findUnique({ where: { id: `pay_retry_${n}` } })).toMatchObject({ status: "succeeded" });
    expect((await account(customerId)).syncRequestedAt).not.toBeNull();
    services.emulators.dodo.faults.clear();
    expect(await runRequestedSyncs()).toBe(1);
    expect(await account(customerId)).toMatchObject({ balance: 500, syncRequestedAt: null });
  });

  it("a late payment.processing never undoes a succeeded payment", async () => {
    const paymentId = `pay_late_${n}`;
    await deliverDodoWebhook({ type: "payment.succeeded", data: paymentData({ paymentId, customerId }) });
    await deliverDodoWebhook({
      type: "payment.processing",
      data: { ...paymentData({ paymentId, customerId }), status: "processing" },
    });
    expect((await db.payment.findUniqueOrThrow({ where: { id: paymentId } })).status).toBe("succeeded");
  });
});
