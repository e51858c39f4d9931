import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestbed, type Catalog, type Testbed } from "@/emulators/dodo/testing";
import { PRODUCT } from "@/lib/catalog/product";

/** Charging a saved payment method: checkout sessions with `confirm: true` and `payment_method_id`, through the SDK. */
let t: Testbed;
let catalog: Catalog;

beforeAll(async () => {
  t = await startTestbed();
  catalog = await t.catalog();
});
afterAll(() => t.close());

async function control(path: string, body: unknown) {
  const res = await fetch(`${t.server.url}/_emulator/dodo${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe("saved payment methods", () => {
  it("keeps the card of a successful checkout and lists it", async () => {
    const { customerId } = await t.subscribe(catalog, "saved@example.com");
    const { items } = await t.client.customers.retrievePaymentMethods(customerId);
    expect(items).toEqual([
      expect.objectContaining({
        payment_method: "card",
        payment_method_id: expect.stringMatching(/^pm_/),
        recurring_enabled: true,
        card: expect.objectContaining({ last4_digits: "1450", card_network: "VISA" }),
      }),
    ]);
  });

  it("charges it with confirm: true — no hosted page, the payment and its credits at once", async () => {
    const { customerId } = await t.subscribe(catalog, "charge@example.com");
    const [method] = (await t.client.customers.retrievePaymentMethods(customerId)).items;
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.topUpId, quantity: 2 }],
      customer: { customer_id: customerId },
      payment_method_id: method!.payment_method_id,
      confirm: true,
      metadata: { mailkit_auto_top_up: "att_1" },
    });
    expect(session.checkout_url).toBeNull();
    const payment = await t.client.payments.retrieve(session.payment_id!);
    expect(payment).toMatchObject({ status: "succeeded", total_amount: 2 * PRODUCT.topUp.priceCents });
    const balance = await t.client.creditEntitlements.balances.retrieve(customerId, {
      credit_entitlement_id: catalog.entitlementId,
    });
    expect(balance.balance).toBe(String(PRODUCT.plan.credits + 2 * PRODUCT.topUp.credits));
    await t.dodo.idle();
    const added = t.receiver.ofType("credit.added").map((h) => h.event.data);
    expect(added.find((d) => d.reference_id === session.payment_id)).toMatchObject({
      amount: String(2 * PRODUCT.topUp.credits),
      metadata: { mailkit_auto_top_up: "att_1" },
    });
    const listed = await t.client.payments.list({ customer_id: customerId, page_number: 0, page_size: 10 });
    expect(listed.items[0]).toMatchObject({ payment_id: session.payment_id, metadata: { mailkit_auto_top_up: "att_1" } });
  });

  it("declines the next charges when told to, with payment.failed and no credits", async () => {
    const { customerId } = await t.subscribe(catalog, "declined@example.com");
    const [method] = (await t.client.customers.retrievePaymentMethods(customerId)).items;
    expect((await control(`/customers/${customerId}/decline-saved-charges`, { count: 1 })).status).toBe(200);
    const charge = () =>
      t.client.checkoutSessions.create({
        product_cart: [{ product_id: catalog.topUpId, quantity: 1 }],
        customer: { customer_id: customerId },
        payment_method_id: method!.payment_method_id,
        confirm: true,
      });
    const declined = await t.client.payments.retrieve((await charge()).payment_id!);
    expect(declined).toMatchObject({ status: "failed", error_code: "CARD_DECLINED" });
    const balance = () =>
      t.client.creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: catalog.entitlementId });
    expect((await balance()).balance).toBe(String(PRODUCT.plan.credits));
    // Only the next one: the charge after it succeeds.
    expect((await t.client.payments.retrieve((await charge()).payment_id!)).status).toBe("succeeded");
    expect((await balance()).balance).toBe(String(PRODUCT.plan.credits + PRODUCT.topUp.credits));
  });

  it("refuses a payment method without confirm, an unknown method, and one without a customer id", async () => {
    const { customerId } = await t.subscribe(catalog, "refused@example.com");
    const [method] = (await t.client.customers.retrievePaymentMethods(customerId)).items;
    const cart = [{ product_id: catalog.topUpId, quantity: 1 }];
    const status = (p: Promise<unknown>) => p.then(() => 200, (e: { status?: number }) => e.status);
    expect(
      await status(
        t.client.checkoutSessions.create({
          product_cart: cart,
          customer: { customer_id: customerId },
          payment_method_id: method!.payment_method_id,
        }),
      ),
    ).toBe(422);
    expect(
      await status(
        t.client.checkoutSessions.create({
          product_cart: cart,
          customer: { customer_id: customerId },
          payment_method_id: "pm_unknown",
          confirm: true,
        }),
      ),
    ).toBe(404);
    expect(
      await status(
        t.client.checkoutSessions.create({
          product_cart: cart,
          customer: { email: "x@example.com" },
          payment_method_id: method!.payment_method_id,
          confirm: true,
        }),
      ),
    ).toBe(422);
  });
});
