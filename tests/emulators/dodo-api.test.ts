import DodoPayments from "dodopayments";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestbed, type Catalog, type Testbed } from "@/emulators/dodo/testing";
import { PRODUCT } from "@/lib/catalog/product";

/** The REST surface, driven with the real SDK: shapes, pagination, auth, 404/422, and that bad requests change nothing. */
let t: Testbed;
let catalog: Catalog;

beforeAll(async () => {
  t = await startTestbed();
  catalog = await t.catalog();
});
afterAll(() => t.close());

async function status(promise: Promise<unknown>): Promise<{ status: number; error: unknown }> {
  try {
    await promise;
    return { status: 200, error: undefined };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? -1, error: (error as { error?: unknown }).error };
  }
}

describe("auth", () => {
  it("answers 401 with no body for a missing or wrong key", async () => {
    for (const authorization of [undefined, "Bearer nope"]) {
      const res = await fetch(`${t.server.url}/dodo/credit-entitlements`, {
        headers: authorization ? { authorization } : {},
      });
      expect(res.status).toBe(401);
      expect(await res.text()).toBe("");
    }
    const wrong = t.sdk({ bearerToken: "wrong" });
    await expect(wrong.creditEntitlements.list()).rejects.toBeInstanceOf(DodoPayments.AuthenticationError);
  });

  it("accepts a custom key from the options", async () => {
    const other = await startTestbed({ dodo: { apiKey: "sk_custom" } });
    try {
      await expect(other.client.creditEntitlements.list()).rejects.toBeInstanceOf(DodoPayments.AuthenticationError);
      const page = await other.sdk({ bearerToken: "sk_custom" }).creditEntitlements.list();
      expect(page.items).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

describe("credit entitlements and products", () => {
  it("creates, retrieves and lists entitlements (201, newest first)", async () => {
    const e = await t.client.creditEntitlements.retrieve(catalog.entitlementId);
    expect(e).toMatchObject({
      id: catalog.entitlementId,
      name: "Email Credits",
      unit: "email",
      precision: 0,
      expires_after_days: PRODUCT.credits.expiresAfterDays,
      rollover_enabled: false,
      overage_enabled: false,
      overage_behavior: "forgive_at_reset",
    });
    expect(e.id).toMatch(/^cde_/);
    const res = await fetch(`${t.server.url}/dodo/credit-entitlements`, {
      method: "POST",
      headers: { authorization: "Bearer dodo_local_emulator_key", "content-type": "application/json" },
      body: JSON.stringify({ name: "Other", unit: "x", precision: 2, rollover_enabled: false, overage_enabled: false }),
    });
    expect(res.status).toBe(201);
    const other = (await res.json()) as { id: string };
    const page = await t.client.creditEntitlements.list({ page_number: 0 });
    expect(page.items.map((x) => x.id)).toEqual([other.id, catalog.entitlementId]);
  });

  it("validates entitlements with 422 naming the field", async () => {
    const missing = await status(
      t.client.creditEntitlements.create({
        name: "x",
        precision: 0,
        rollover_enabled: false,
        overage_enabled: false,
      } as never),
    );
    expect(missing).toEqual({ status: 422, error: { code: "UNPROCESSABLE_ENTITY", message: "missing field `unit`" } });
    const precision = await status(
      t.client.creditEntitlements.create({
        name: "x",
        unit: "u",
        precision: 11,
        rollover_enabled: false,
        overage_enabled: false,
      }),
    );
    expect(precision.status).toBe(422);
    expect((precision.error as { message: string }).message).toMatch(/^precision/);
    const overage = await status(
      t.client.creditEntitlements.create({
        name: "x",
        unit: "u",
        precision: 0,
        rollover_enabled: false,
        overage_enabled: true,
      }),
    );
    expect((overage.error as { message: string }).message).toMatch(/price_per_unit/);
  });

  it("finds the catalog by name through products.list, with credit mappings on retrieve", async () => {
    const names: string[] = [];
    for await (const p of t.client.products.list({ page_size: 100, page_number: 0 })) names.push(p.name ?? "");
    expect(names).toEqual(["Email Top-Up Pack", "MailKit Plan"]);
    const plan = await t.client.products.retrieve(catalog.planId);
    expect(plan.is_recurring).toBe(true);
    expect(plan.credit_entitlements).toEqual([
      expect.objectContaining({
        credit_entitlement_id: catalog.entitlementId,
        credit_entitlement_name: "Email Credits",
        credits_amount: "5000",
        low_balance_threshold_percent: 20,
        expires_after_days: PRODUCT.credits.expiresAfterDays,
      }),
    ]);
    const recurring = await t.client.products.list({ recurring: true });
    expect(recurring.items.map((p) => p.product_id)).toEqual([catalog.planId]);
    expect(recurring.items[0]).toMatchObject({ price: 1900, currency: "USD", is_recurring: true });
  });

  it("404s with {code, message}", async () => {
    // Thunks, so each request starts only when awaited (an eager rejection would go unhandled).
    for (const call of [
      () => t.client.products.retrieve("pdt_missing"),
      () => t.client.creditEntitlements.retrieve("cde_missing"),
      () => t.client.customers.retrieve("cus_missing"),
      () => t.client.subscriptions.retrieve("sub_missing"),
      () => t.client.checkoutSessions.retrieve("cks_missing"),
    ]) {
      const r = await status(call());
      expect(r.status).toBe(404);
      expect(r.error).toMatchObject({ code: "NOT_FOUND" });
    }
  });
});

describe("pagination", () => {
  it("is zero-based, ends with an empty page, and rejects page_size > 100 with 422", async () => {
    for (let i = 0; i < 5; i++) await t.client.customers.create({ email: `page${i}@example.com`, name: `Page ${i}` });
    const first = await t.client.customers.list({ page_size: 2, page_number: 0 });
    const second = await t.client.customers.list({ page_size: 2, page_number: 1 });
    expect(first.items).toHaveLength(2);
    expect(second.items).toHaveLength(2);
    expect(first.items[0]!.email).toBe("page4@example.com"); // newest first
    expect(second.items[0]!.email).toBe("page2@example.com");
    const all = await t.client.customers.list({ page_size: 100, page_number: 0 });
    const empty = await t.client.customers.list({ page_size: 100, page_number: 1 });
    expect(empty.items).toEqual([]);
    // The SDK's auto-pagination stops on the empty page.
    const seen: string[] = [];
    for await (const c of t.client.customers.list({ page_size: 2, page_number: 0 })) seen.push(c.customer_id);
    expect(seen).toHaveLength(all.items.length);

    const tooBig = await status(t.client.customers.list({ page_size: 101 }));
    expect(tooBig.status).toBe(422);
    expect((tooBig.error as { message: string }).message).toMatch(/page_size/);
    expect((await status(t.client.creditEntitlements.list({ page_size: 0 }))).status).toBe(422);
  });
});

describe("customers", () => {
  it("creates, updates and filters by email", async () => {
    const c = await t.client.customers.create({ email: "grace@example.com", name: "Grace" });
    expect(c.customer_id).toMatch(/^cus_/);
    const updated = await t.client.customers.update(c.customer_id, { name: "Grace Hopper", metadata: { plan: "x" } });
    expect(updated).toMatchObject({ name: "Grace Hopper", email: "grace@example.com", metadata: { plan: "x" } });
    const found = await t.client.customers.list({ email: "GRACE@example.com" });
    expect(found.items.map((x) => x.customer_id)).toEqual([c.customer_id]);
    expect((await status(t.client.customers.create({ email: "not-an-email", name: "x" }))).status).toBe(422);
  });
});

describe("checkout sessions, subscriptions, portal", () => {
  it("creates a checkout with a checkout_url, then reports its payment", async () => {
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.planId, quantity: 1 }],
      customer: { email: "lin@example.com" },
      return_url: "http://localhost:3000/r",
    });
    expect(session.session_id).toMatch(/^cks_/);
    expect(session.checkout_url).toBe(`${t.server.url}/checkout/session/${session.session_id}`);
    expect(await t.client.checkoutSessions.retrieve(session.session_id)).toMatchObject({
      id: session.session_id,
      customer_email: "lin@example.com",
      payment_id: null,
      payment_status: null,
    });
    const outcome = t.dodo.completeCheckout(session.session_id);
    expect(await t.client.checkoutSessions.retrieve(session.session_id)).toMatchObject({
      payment_id: outcome.payment_id,
      payment_status: "succeeded",
    });
  });

  it("links a checkout to an existing customer by email, unless always_create_new_customer", async () => {
    const existing = await t.client.customers.create({ email: "linked@example.com", name: "Linked" });
    const s1 = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.topUpId, quantity: 1 }],
      customer: { email: "linked@example.com" },
    });
    expect(t.dodo.completeCheckout(s1.session_id).customer_id).toBe(existing.customer_id);
    const s2 = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.topUpId, quantity: 1 }],
      customer: { email: "linked@example.com" },
      feature_flags: { always_create_new_customer: true },
    });
    expect(t.dodo.completeCheckout(s2.session_id).customer_id).not.toBe(existing.customer_id);
    const s3 = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.topUpId, quantity: 1 }],
      customer: { customer_id: existing.customer_id },
    });
    expect(t.dodo.completeCheckout(s3.session_id).customer_id).toBe(existing.customer_id);
    expect(
      (await status(t.client.checkoutSessions.create({ product_cart: [{ product_id: "pdt_nope", quantity: 1 }] })))
        .status,
    ).toBe(404);
    expect((await status(t.client.checkoutSessions.create({ product_cart: [] }))).status).toBe(422);
  });

  it("lists, retrieves and cancels subscriptions (now or at period end)", async () => {
    const { customerId, subscriptionId } = await t.subscribe(catalog, "sub@example.com");
    const sub = await t.client.subscriptions.retrieve(subscriptionId);
    expect(sub).toMatchObject({
      subscription_id: subscriptionId,
      status: "active",
      product_id: catalog.planId,
      cancel_at_next_billing_date: false,
      recurring_pre_tax_amount: 1900,
      customer: { customer_id: customerId, email: "sub@example.com" },
    });
    expect(sub.credit_entitlement_cart[0]).toMatchObject({
      credit_entitlement_id: catalog.entitlementId,
      credits_amount: "5000",
      remaining_balance: "5000",
      low_balance_threshold_percent: 20,
    });
    const list = await t.client.subscriptions.list({ customer_id: customerId });
    expect(list.items.map((s) => s.subscription_id)).toEqual([subscriptionId]);

    const atEnd = await t.client.subscriptions.update(subscriptionId, { cancel_at_next_billing_date: true });
    expect(atEnd).toMatchObject({ status: "active", cancel_at_next_billing_date: true });
    const now = await t.client.subscriptions.update(subscriptionId, { status: "cancelled" });
    expect(now.status).toBe("cancelled");
    expect(now.cancelled_at).toBeTruthy();
    expect((await status(t.client.subscriptions.update(subscriptionId, { status: "paused" }))).status).toBe(422);
  });

  it("creates a portal session link and lists the customer's credit entitlements", async () => {
    const { customerId } = await t.subscribe(catalog, "portal@example.com");
    const session = await t.client.customers.customerPortal.create(customerId, {
      return_url: "http://localhost:3000/billing",
    });
    expect(session.link).toMatch(new RegExp(`^${t.server.url}/portal/`));
    const html = await (await fetch(session.link)).text();
    expect(html).toContain("portal@example.com");
    expect(html).toContain("Cancel at period end");
    const credits = await t.client.customers.listCreditEntitlements(customerId);
    expect(credits.items).toEqual([
      {
        credit_entitlement_id: catalog.entitlementId,
        name: "Email Credits",
        unit: "email",
        balance: "5000",
        overage: "0",
        description: PRODUCT.credits.description,
      },
    ]);
    expect((await status(t.client.customers.customerPortal.create("cus_missing"))).status).toBe(404);
  });
});

describe("bad requests change nothing", () => {
  it("leaves balances, ledger and catalog untouched", async () => {
    const { customerId } = await t.subscribe(catalog, "bad@example.com");
    const before = JSON.stringify(t.dodo.engine.state);
    const url = `${t.server.url}/dodo/credit-entitlements/${catalog.entitlementId}/balances/${customerId}/ledger-entries`;
    const headers = { authorization: "Bearer dodo_local_emulator_key", "content-type": "application/json" };
    const bodies = [
      "{not json",
      JSON.stringify({ entry_type: "debit" }),
      JSON.stringify({ amount: "1.5", entry_type: "debit" }),
      JSON.stringify({ amount: "-5", entry_type: "credit" }),
      JSON.stringify({ amount: "10", entry_type: "debit", metadata: { k: { nested: true } } }),
    ];
    const statuses = [];
    for (const body of bodies) statuses.push((await fetch(url, { method: "POST", headers, body })).status);
    expect(statuses).toEqual([400, 422, 422, 422, 422]);
    expect(
      (
        await fetch(url.replace(customerId, "cus_missing"), {
          method: "POST",
          headers,
          body: JSON.stringify({ amount: "1", entry_type: "debit" }),
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await fetch(`${t.server.url}/dodo/products`, {
          method: "POST",
          headers,
          body: JSON.stringify({
            name: "x",
            tax_category: "saas",
            price: { type: "one_time_price", price: 100, currency: "USD" },
            credit_entitlements: [{ credit_entitlement_id: "cde_missing", credits_amount: "1" }],
          }),
        })
      ).status,
    ).toBe(404);
    expect(JSON.stringify(t.dodo.engine.state)).toBe(before);
  });

  it("names the field in precision errors", async () => {
    const { customerId } = await t.subscribe(catalog, "precision@example.com");
    const r = await status(
      t.client.creditEntitlements.balances.createLedgerEntry(customerId, {
        credit_entitlement_id: catalog.entitlementId,
        amount: "2.5",
        entry_type: "debit",
      }),
    );
    expect(r).toEqual({
      status: 422,
      error: {
        code: "UNPROCESSABLE_ENTITY",
        message: "amount: `2.5` is not an integer (the credit entitlement's precision is 0)",
      },
    });
    const missing = await status(
      t.client.creditEntitlements.balances.createLedgerEntry(customerId, {
        credit_entitlement_id: catalog.entitlementId,
        entry_type: "debit",
      } as never),
    );
    expect(missing.error).toEqual({ code: "UNPROCESSABLE_ENTITY", message: "missing field `amount`" });
  });
});
