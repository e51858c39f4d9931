import DodoPayments from "dodopayments";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { startTestbed, type Catalog, type ReceivedWebhook, type Testbed } from "@/emulators/dodo/testing";
import { PRODUCT } from "@/lib/catalog/product";

/** Webhooks: signatures, payload shapes, the checkout/renewal/on_hold sequences, balance_low, redelivery, reordering, retries. */
let t: Testbed;
let catalog: Catalog;

beforeAll(async () => {
  t = await startTestbed();
});
afterAll(() => t.close());
afterEach(async () => {
  t.receiver.respond = () => 200;
  await t.dodo.idle({ retries: true });
  await t.dodo.reset();
  t.receiver.received.length = 0;
});

const types = (hooks: ReceivedWebhook[]) => hooks.map((h) => h.event.type).sort();
/** The order in which the emulator sent them (arrival order at the receiver is not guaranteed, as with Dodo). */
const sent = () => t.dodo.webhooks.deliveries.map((d) => d.type);
const debit = (customerId: string, amount: string) =>
  t.client.creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: catalog.entitlementId,
    entry_type: "debit",
    amount,
  });
const control = async (path: string, body?: unknown) => {
  const res = await fetch(`${t.server.url}/_emulator/dodo${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe("checkout webhooks", () => {
  it("sends signed payment.succeeded, subscription.active and credit.added with the real shapes", async () => {
    catalog = await t.catalog();
    const { customerId, subscriptionId } = await t.subscribe(catalog, "ada@example.com", { user_id: "user_42" });
    const hooks = await t.receiver.waitFor((all) => all.length >= 3);
    expect(types(hooks)).toEqual(["credit.added", "payment.succeeded", "subscription.active"]);
    expect(sent()).toEqual(["payment.succeeded", "subscription.active", "credit.added"]);

    for (const hook of hooks) {
      // The SDK verifies the Standard Webhooks signature with the app's key.
      const event = t.client.webhooks.unwrap(hook.body, { headers: hook.headers });
      expect(event.type).toBe(hook.event.type);
      expect(hook.headers["webhook-id"]).toMatch(/^msg_/);
      expect(hook.headers["webhook-signature"]).toMatch(/^v1,/);
      expect(Object.keys(hook.event).sort()).toEqual(["business_id", "data", "timestamp", "type"]);
      expect(hook.event.data).toMatchObject({ brand_id: expect.any(String) });
      expect(hook.event.data.metadata).toEqual({ user_id: "user_42" });
    }
    const wrongKey = t.sdk({ webhookKey: "whsec_" + Buffer.from("another secret").toString("base64") });
    expect(() => wrongKey.webhooks.unwrap(hooks[0]!.body, { headers: hooks[0]!.headers })).toThrow(/signature/i);

    const payment = t.receiver.ofType("payment.succeeded")[0]!.event.data;
    expect(payment).toMatchObject({
      payload_type: "Payment",
      business_id: expect.any(String),
      status: "succeeded",
      total_amount: 1900,
      currency: "USD",
      subscription_id: subscriptionId,
      customer: { customer_id: customerId, email: "ada@example.com", name: "Ada Lovelace" },
    });
    expect(Object.keys(payment.billing as object).sort()).toEqual(["city", "country", "state", "street", "zipcode"]);

    const sub = t.receiver.ofType("subscription.active")[0]!.event.data;
    expect(sub).toMatchObject({
      payload_type: "Subscription",
      subscription_id: subscriptionId,
      status: "active",
      product_id: catalog.planId,
      customer: { customer_id: customerId },
    });
    expect(sub.credit_entitlement_cart).toEqual([
      expect.objectContaining({
        credit_entitlement_id: catalog.entitlementId,
        credit_entitlement_name: "Email Credits",
        credits_amount: "5000",
        low_balance_threshold_percent: 20,
      }),
    ]);
    expect(Object.keys(sub.billing as object)).toHaveLength(5);

    const added = t.receiver.ofType("credit.added")[0]!.event.data;
    expect(added).toMatchObject({
      payload_type: "CreditLedgerEntry",
      transaction_type: "credit_added",
      amount: "5000",
      balance_before: "0",
      balance_after: "5000",
      is_credit: true,
      customer_id: customerId,
      credit_entitlement_id: catalog.entitlementId,
      reference_type: "subscription",
      reference_id: subscriptionId,
      description: "Credits granted from subscription",
    });
    const grants = await t.client.creditEntitlements.balances.listGrants(customerId, {
      credit_entitlement_id: catalog.entitlementId,
    });
    expect(grants.items[0]).toMatchObject({
      source_type: "subscription",
      source_id: subscriptionId,
      initial_amount: "5000",
    });
    const days = (Date.parse(grants.items[0]!.expires_at!) - Date.parse(grants.items[0]!.created_at)) / 86_400_000;
    expect(days).toBe(PRODUCT.credits.expiresAfterDays);
  });

  it("sends subscription.renewed on the first charge only with the switch", async () => {
    catalog = await t.catalog();
    t.dodo.updateSettings({ renewedOnFirstCharge: true });
    await t.subscribe(catalog);
    expect(sent()).toEqual(["payment.succeeded", "subscription.active", "subscription.renewed", "credit.added"]);
  });

  it("tops up with payment.succeeded + credit.added referencing the payment (stacked on the plan)", async () => {
    catalog = await t.catalog();
    const { customerId } = await t.subscribe(catalog);
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.topUpId, quantity: 1 }],
      customer: { customer_id: customerId },
      metadata: { user_id: "user_1", kind: "topup" },
    });
    const outcome = t.dodo.completeCheckout(session.session_id);
    expect(outcome.subscription_id).toBeNull();
    await t.dodo.idle();
    const added = t.receiver.ofType("credit.added").map((h) => h.event.data);
    expect(added[1]).toMatchObject({
      reference_type: "payment",
      reference_id: outcome.payment_id,
      balance_before: "5000",
      balance_after: "10000",
      metadata: { user_id: "user_1", kind: "topup" },
      description: "Credits granted for OneTime payment",
    });
    const balance = await t.client.creditEntitlements.balances.retrieve(customerId, {
      credit_entitlement_id: catalog.entitlementId,
    });
    expect(balance.balance).toBe("10000");
  });

  it("declines with payment.failed and no credits", async () => {
    catalog = await t.catalog();
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.planId, quantity: 1 }],
      customer: { email: "declined@example.com" },
      return_url: "http://localhost:3000/back",
    });
    const outcome = t.dodo.completeCheckout(session.session_id, { card: "4000 0000 0000 0002" });
    expect(outcome.status).toBe("failed");
    const url = new URL(outcome.redirect_url!);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      payment_id: outcome.payment_id,
      status: "failed",
      email: "declined@example.com",
    });
    await t.dodo.idle();
    expect(types(t.receiver.received)).toEqual(["payment.failed"]);
    expect(t.receiver.received[0]!.event.data).toMatchObject({
      status: "failed",
      error_code: "CARD_DECLINED",
      payload_type: "Payment",
    });
    await expect(
      t.client.creditEntitlements.balances.retrieve(outcome.customer_id, {
        credit_entitlement_id: catalog.entitlementId,
      }),
    ).rejects.toMatchObject({ status: 404 });
    expect(await t.client.checkoutSessions.retrieve(session.session_id)).toMatchObject({ payment_status: "failed" });
    // The session stays open: a second try with the good card succeeds.
    expect(t.dodo.completeCheckout(session.session_id).status).toBe("succeeded");
    expect(() => t.dodo.completeCheckout(session.session_id)).toThrow(/consumed/);
  });

  it("pays through the hosted page form and redirects with Dodo's query parameters", async () => {
    catalog = await t.catalog();
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.planId, quantity: 1 }],
      return_url: "http://localhost:3000/billing/return?from=checkout",
    });
    const page = await (await fetch(session.checkout_url!)).text();
    expect(page).toContain("4576 2389 1277 1450");
    expect(page).toContain("4000 0000 0000 0002");
    expect(page).toContain("$19.00");
    const form = new URLSearchParams({
      email: "form@example.com",
      name: "Form User",
      card_number: "4576 2389 1277 1450",
      expiry: "12 / 34",
      cvc: "123",
      country: "US",
    });
    const res = await fetch(session.checkout_url!, { method: "POST", body: form, redirect: "manual" });
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get("location")!);
    expect(location.origin + location.pathname).toBe("http://localhost:3000/billing/return");
    expect(location.searchParams.get("from")).toBe("checkout");
    expect(location.searchParams.get("subscription_id")).toMatch(/^sub_/);
    expect(location.searchParams.get("status")).toBe("active");
    expect(location.searchParams.get("email")).toBe("form@example.com");
    expect((await fetch(session.checkout_url!)).status).toBe(410); // single use
  });
});

describe("credit.balance_low", () => {
  it("fires once per downward crossing of 20% of 5,000 and re-arms at/above it", async () => {
    catalog = await t.catalog();
    const { customerId, subscriptionId } = await t.subscribe(catalog);
    await debit(customerId, "3999"); // 1001
    await debit(customerId, "1"); // 1000: at the threshold, not below
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.balance_low")).toHaveLength(0);
    await debit(customerId, "1"); // 999: crossed
    await debit(customerId, "10"); // 989: still below, no second event
    await t.dodo.idle();
    const lows = t.receiver.ofType("credit.balance_low");
    expect(lows).toHaveLength(1);
    expect(lows[0]!.event.data).toEqual({
      payload_type: "CreditBalanceLow",
      available_balance: "999",
      brand_id: expect.any(String),
      credit_entitlement_id: catalog.entitlementId,
      credit_entitlement_name: "Email Credits",
      customer_id: customerId,
      subscription_credits_amount: "5000",
      subscription_id: subscriptionId,
      threshold_amount: "1000",
      threshold_percent: 20,
    });
    // Back to/above the threshold re-arms it.
    await t.client.creditEntitlements.balances.createLedgerEntry(customerId, {
      credit_entitlement_id: catalog.entitlementId,
      entry_type: "credit",
      amount: "11",
    }); // 1000
    await debit(customerId, "1"); // 999 again
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.balance_low")).toHaveLength(2);
    expect(sent().slice(-2)).toEqual(["credit.deducted", "credit.balance_low"]); // right after the deduction
  });

  it("does not fire for a customer without a subscription", async () => {
    catalog = await t.catalog();
    const c = (await t.client.customers.create({ email: "nosub@example.com", name: "N" })).customer_id;
    await t.client.creditEntitlements.balances.createLedgerEntry(c, {
      credit_entitlement_id: catalog.entitlementId,
      entry_type: "credit",
      amount: "5000",
    });
    await debit(c, "4500");
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.balance_low")).toHaveLength(0);
  });
});

describe("renewals", () => {
  it("renews: payment.succeeded → subscription.renewed → credit.expired (what was left) → credit.added, a month later", async () => {
    catalog = await t.catalog();
    const { customerId, subscriptionId } = await t.subscribe(catalog);
    const before = await t.client.subscriptions.retrieve(subscriptionId);
    await debit(customerId, "1200");
    await t.dodo.idle();
    const from = t.dodo.webhooks.deliveries.length;
    const renewed = (await control(`/subscriptions/${subscriptionId}/renew`)).body;
    expect(sent().slice(from)).toEqual(["payment.succeeded", "subscription.renewed", "credit.expired", "credit.added"]);
    expect(renewed).toMatchObject({ status: "active", previous_billing_date: before.next_billing_date });
    const next = new Date(before.next_billing_date);
    next.setUTCMonth(next.getUTCMonth() + 1);
    expect(renewed.next_billing_date).toBe(next.toISOString());
    expect(t.dodo.now().getTime()).toBeGreaterThanOrEqual(Date.parse(before.next_billing_date));

    await t.receiver.waitFor((all) => all.filter((h) => h.event.type === "credit.added").length === 2);
    expect(t.receiver.ofType("credit.expired")[0]!.event.data).toMatchObject({
      amount: "3800",
      balance_before: "3800",
      balance_after: "0",
      reference_id: subscriptionId,
    });
    expect(t.receiver.ofType("credit.added")[1]!.event.data).toMatchObject({
      amount: "5000",
      balance_before: "0",
      balance_after: "5000",
    });
    expect(t.receiver.ofType("subscription.renewed")[0]!.event.data).toMatchObject({
      subscription_id: subscriptionId,
      payload_type: "Subscription",
    });
    const balance = await t.client.creditEntitlements.balances.retrieve(customerId, {
      credit_entitlement_id: catalog.entitlementId,
    });
    expect(balance.balance).toBe("5000");
  });

  it("fails the next renewal: payment.failed + subscription.on_hold, no new credits; the next try recovers", async () => {
    catalog = await t.catalog();
    // Credits that outlive the month, so the assertion does not depend on this month's length (with 30 days
    // they expire at the renewal in a 30-day month and the day before it in a 31-day one).
    await t.client.products.update(catalog.planId, {
      credit_entitlements: [
        {
          credit_entitlement_id: catalog.entitlementId,
          credits_amount: "5000",
          expires_after_days: 45,
          low_balance_threshold_percent: 20,
        },
      ],
    });
    const { customerId, subscriptionId } = await t.subscribe(catalog);
    await debit(customerId, "100");
    expect((await control(`/subscriptions/${subscriptionId}/fail-next-renewal`, { fail: true })).status).toBe(200);
    const from = t.dodo.webhooks.deliveries.length;
    expect(t.dodo.advanceRenewal(subscriptionId).status).toBe("on_hold");
    expect(sent().slice(from)).toEqual(["payment.failed", "subscription.on_hold"]);
    expect((await t.client.subscriptions.retrieve(subscriptionId)).status).toBe("on_hold");
    // Credits persist until they expire; none are issued.
    const balance = await t.client.creditEntitlements.balances.retrieve(customerId, {
      credit_entitlement_id: catalog.entitlementId,
    });
    expect(balance.balance).toBe("4900");

    const again = t.dodo.webhooks.deliveries.length;
    expect(t.dodo.advanceRenewal(subscriptionId).status).toBe("active");
    // A new cycle: the old cycle's grant ends, a fresh one is issued.
    expect(sent().slice(again)).toEqual(["payment.succeeded", "subscription.active", "credit.expired", "credit.added"]);
  });

  it("cancels at period end from the portal: subscription.updated now, subscription.cancelled at the renewal", async () => {
    catalog = await t.catalog();
    const { customerId, subscriptionId } = await t.subscribe(catalog);
    const { link } = await t.client.customers.customerPortal.create(customerId, {
      return_url: "http://localhost:3000/billing",
    });
    const res = await fetch(`${link}/subscriptions/${subscriptionId}/cancel`, { method: "POST", redirect: "manual" });
    expect(res.status).toBe(303);
    await t.dodo.idle();
    expect(t.receiver.ofType("subscription.updated")[0]!.event.data).toMatchObject({
      cancel_at_next_billing_date: true,
      status: "active",
    });
    expect(await (await fetch(link)).text()).toContain("Cancels on");
    const from = t.dodo.webhooks.deliveries.length;
    expect(t.dodo.advanceRenewal(subscriptionId).status).toBe("cancelled");
    expect(sent().slice(from)[0]).toBe("subscription.cancelled");
    expect(sent().slice(from)).not.toContain("credit.added"); // no new cycle
  });

  it("rolls over per the entitlement (75%, at most once) and forfeits the rest", async () => {
    const e = await t.client.creditEntitlements.create({
      name: "Rollover credits",
      unit: "credit",
      precision: 0,
      rollover_enabled: true,
      rollover_percentage: 75,
      max_rollover_count: 1,
      overage_enabled: false,
    });
    const product = await t.client.products.create({
      name: "Rollover plan",
      tax_category: "saas",
      price: {
        type: "recurring_price",
        price: 500,
        currency: "USD",
        payment_frequency_count: 1,
        payment_frequency_interval: "Month",
        subscription_period_count: 1,
        subscription_period_interval: "Year",
      },
      credit_entitlements: [{ credit_entitlement_id: e.id, credits_amount: "200" }],
    });
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: product.product_id, quantity: 1 }],
      customer: { email: "roll@example.com" },
    });
    const { subscription_id: subscriptionId, customer_id: customerId } = t.dodo.completeCheckout(session.session_id);
    const balance = async () =>
      (await t.client.creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: e.id })).balance;

    const from = t.dodo.webhooks.deliveries.length;
    t.dodo.advanceRenewal(subscriptionId!);
    expect(sent().slice(from)).toEqual([
      "payment.succeeded",
      "subscription.renewed",
      "credit.rolled_over",
      "credit.rollover_forfeited",
      "credit.added",
    ]);
    expect(await balance()).toBe("350"); // 150 rolled over + 200 new
    const grants = (await t.client.creditEntitlements.balances.listGrants(customerId, { credit_entitlement_id: e.id }))
      .items;
    expect(grants.map((g) => [g.source_type, g.initial_amount, g.remaining_amount, g.rollover_count])).toEqual([
      ["subscription", "200", "0", 0],
      ["rollover", "150", "150", 1],
      ["subscription", "200", "200", 0],
    ]);
    expect(grants[0]!.is_rolled_over).toBe(true);
    expect(grants[1]!.parent_grant_id).toBe(grants[0]!.id);

    // Next cycle: the rolled-over grant is at max_rollover_count and is forfeited; the cycle's grant rolls 75%.
    t.dodo.advanceRenewal(subscriptionId!);
    expect(await balance()).toBe("350");
    const ledger = (
      await t.client.creditEntitlements.balances.listLedger(customerId, { credit_entitlement_id: e.id, page_size: 100 })
    ).items.map((x) => `${x.transaction_type} ${x.amount}`);
    expect(ledger.slice(0, 4)).toEqual([
      "credit_added 200",
      "rollover_forfeited 50",
      "credit_rolled_over 150",
      "rollover_forfeited 150",
    ]);
  });

  it("advances the clock through due renewals", async () => {
    catalog = await t.catalog();
    const { subscriptionId } = await t.subscribe(catalog);
    const res = await control("/clock/advance", { days: 62 });
    expect(res.status).toBe(200);
    expect(sent().filter((x) => x === "subscription.renewed")).toHaveLength(2);
    expect((await t.client.subscriptions.retrieve(subscriptionId)).status).toBe("active");
  });
});

describe("manual adjustments", () => {
  it("writes manual_adjustment, fires credit.manual_adjustment, and balance_low when it crosses", async () => {
    catalog = await t.catalog();
    const { customerId } = await t.subscribe(catalog);
    const down = await control("/balances/adjust", {
      customer_id: customerId,
      credit_entitlement_id: catalog.entitlementId,
      amount: "-4500",
      reason: "support correction",
    });
    expect(down.body).toMatchObject({
      transaction_type: "manual_adjustment",
      amount: "4500",
      is_credit: false,
      balance_after: "500",
      description: "support correction",
    });
    const up = t.dodo.adjustBalance(customerId, catalog.entitlementId, 250, "goodwill");
    expect(up).toMatchObject({ transaction_type: "manual_adjustment", is_credit: true, balance_after: "750" });
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.manual_adjustment")).toHaveLength(2);
    expect(t.receiver.ofType("credit.balance_low")).toHaveLength(1);
    expect(
      (
        await control("/balances/adjust", {
          customer_id: customerId,
          credit_entitlement_id: catalog.entitlementId,
          amount: "-100000",
        })
      ).status,
    ).toBe(400);
  });
});

describe("delivery", () => {
  it("redelivers and duplicates with the same webhook-id", async () => {
    catalog = await t.catalog();
    await t.client.customers.create({ email: "x@example.com", name: "X" }).then((c) =>
      t.client.creditEntitlements.balances.createLedgerEntry(c.customer_id, {
        credit_entitlement_id: catalog.entitlementId,
        entry_type: "credit",
        amount: "5",
      }),
    );
    const [hook] = await t.receiver.waitFor((all) => all.length === 1);
    const id = hook!.headers["webhook-id"]!;
    expect((await control(`/webhooks/${id}/redeliver`)).body).toMatchObject({ id, state: "pending" });
    await control(`/webhooks/${id}/duplicate`, { times: 2 });
    const all = await t.receiver.waitFor((x) => x.length === 4);
    expect(all.map((h) => h.headers["webhook-id"])).toEqual([id, id, id, id]);
    expect(new Set(all.map((h) => h.body)).size).toBe(1);
    for (const h of all) expect(() => t.client.webhooks.unwrap(h.body, { headers: h.headers })).not.toThrow();
  });

  it("holds webhooks while paused and sends them in reverse order on request", async () => {
    catalog = await t.catalog();
    await control("/webhooks/pause");
    await t.subscribe(catalog);
    await new Promise((r) => setTimeout(r, 30));
    expect(t.receiver.received).toHaveLength(0);
    await control("/webhooks/resume", { order: "reverse" });
    const hooks = await t.receiver.waitFor((all) => all.length === 3);
    expect(hooks.map((h) => h.event.type)).toEqual(["credit.added", "subscription.active", "payment.succeeded"]);
  });

  it("retries on non-2xx with the same id and a fresh signature, then marks failed", async () => {
    catalog = await t.catalog();
    t.receiver.respond = (_hook, attempt) => (attempt < 3 ? 500 : 204);
    const c = await t.client.customers.create({ email: "r@example.com", name: "R" });
    await t.client.creditEntitlements.balances.createLedgerEntry(c.customer_id, {
      credit_entitlement_id: catalog.entitlementId,
      entry_type: "credit",
      amount: "5",
    });
    await t.receiver.waitFor((all) => all.length === 1);
    await t.dodo.idle();
    const delivery = t.dodo.webhooks.deliveries.at(-1)!;
    expect(delivery.attempts.map((a) => a.status)).toEqual([500, 500, 204]);
    expect(delivery.state).toBe("delivered");

    t.receiver.respond = () => 503;
    await t.client.creditEntitlements.balances.createLedgerEntry(c.customer_id, {
      credit_entitlement_id: catalog.entitlementId,
      entry_type: "credit",
      amount: "5",
    });
    await t.dodo.idle({ retries: true });
    const failed = t.dodo.webhooks.deliveries.at(-1)!;
    expect(failed.attempts).toHaveLength(4); // first attempt + the 3 test retries
    expect(failed.state).toBe("failed");
    const log = await (await fetch(`${t.server.url}/_emulator/dodo/webhooks?state=failed`)).json();
    expect((log as { items: Array<{ id: string }> }).items.map((d) => d.id)).toEqual([failed.id]);
  });

  it("retries after a receiver timeout", async () => {
    const slow = await startTestbed({ dodo: { webhookTimeoutMs: 150, webhookRetryDelaysMs: [0] } });
    try {
      const cat = await slow.catalog();
      slow.receiver.respond = async (_hook, attempt) => {
        if (attempt === 1) await new Promise((r) => setTimeout(r, 400));
        return 200;
      };
      const c = await slow.client.customers.create({ email: "slow@example.com", name: "S" });
      await slow.client.creditEntitlements.balances.createLedgerEntry(c.customer_id, {
        credit_entitlement_id: cat.entitlementId,
        entry_type: "credit",
        amount: "1",
      });
      await slow.dodo.idle({ retries: true });
      const d = slow.dodo.webhooks.deliveries.at(-1)!;
      expect(d.attempts[0]!.status).toBeNull();
      expect(d.attempts[0]!.error).toMatch(/timeout|abort/i);
      expect(d.state).toBe("delivered");
    } finally {
      await slow.close();
    }
  });
});

// Type-level: the emulator's payloads are the SDK's webhook types.
export type _Unwrapped = ReturnType<DodoPayments["webhooks"]["unwrap"]>;
