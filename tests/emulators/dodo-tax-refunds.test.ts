import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { startTestbed, type Catalog, type Testbed } from "@/emulators/dodo/testing";
import { PRODUCT } from "@/lib/catalog/product";

/** What a payment says about tax and refunds, through the SDK: the fields MailKit's invoices read. */
let t: Testbed;
let catalog: Catalog;

beforeAll(async () => {
  t = await startTestbed();
  catalog = await t.catalog();
});
afterAll(() => t.close());

describe("tax on payments", () => {
  it("adds the billing country's VAT to a tax-exclusive price and reports it", async () => {
    const customer = await t.client.customers.create({ email: "vat@example.com", name: "VAT" });
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.planId, quantity: 1 }],
      customer: { customer_id: customer.customer_id },
      billing_address: { country: "DE", city: "Berlin", zipcode: "10115" },
    });
    const outcome = t.dodo.completeCheckout(session.session_id);
    const payment = await t.client.payments.retrieve(outcome.payment_id);
    const tax = Math.round(PRODUCT.plan.priceCents * 0.19);
    expect(payment).toMatchObject({
      status: "succeeded",
      tax,
      settlement_tax: tax,
      total_amount: PRODUCT.plan.priceCents + tax,
      billing: { country: "DE", city: "Berlin", zipcode: "10115" },
    });

    // A charge on the saved card is billed where the last payment was: the same VAT.
    const [method] = (await t.client.customers.retrievePaymentMethods(customer.customer_id)).items;
    const charge = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.topUpId, quantity: 1 }],
      customer: { customer_id: customer.customer_id },
      payment_method_id: method!.payment_method_id,
      confirm: true,
    });
    const topUp = await t.client.payments.retrieve(charge.payment_id!);
    const packTax = Math.round(PRODUCT.topUp.priceCents * 0.19);
    expect(topUp).toMatchObject({
      tax: packTax,
      total_amount: PRODUCT.topUp.priceCents + packTax,
      billing: { country: "DE" },
    });
  });

  it("charges no tax for a US billing address", async () => {
    const { customerId } = await t.subscribe(catalog, "us-tax@example.com");
    const page = await t.client.payments.list({ customer_id: customerId, page_number: 0, page_size: 10 });
    const payment = await t.client.payments.retrieve(page.items[0]!.payment_id);
    expect(payment).toMatchObject({ tax: 0, total_amount: PRODUCT.plan.priceCents, billing: { country: "US" } });
  });
});

describe("refunds", () => {
  it("refunds part, then the rest: refunds listed, refund_status partial then full, refund.succeeded sent", async () => {
    const { customerId } = await t.subscribe(catalog, "refund@example.com");
    const page = await t.client.payments.list({ customer_id: customerId, page_number: 0, page_size: 10 });
    const paymentId = page.items[0]!.payment_id;

    const part = await t.client.refunds.create({ payment_id: paymentId, items: [{ item_id: paymentId, amount: 400 }] });
    expect(part).toMatchObject({ payment_id: paymentId, status: "succeeded", is_partial: true, amount: 400 });
    expect((await t.client.payments.retrieve(paymentId)).refund_status).toBe("partial");

    const rest = await t.client.refunds.create({ payment_id: paymentId, reason: "duplicate" });
    expect(rest).toMatchObject({ amount: PRODUCT.plan.priceCents - 400, reason: "duplicate" });
    const payment = await t.client.payments.retrieve(paymentId);
    expect(payment.refund_status).toBe("full");
    expect(payment.refunds.map((r) => r.amount)).toEqual([400, PRODUCT.plan.priceCents - 400]);

    await expect(t.client.refunds.create({ payment_id: paymentId })).rejects.toMatchObject({ status: 409 });
    await expect(t.client.refunds.create({ payment_id: "pay_missing" })).rejects.toMatchObject({ status: 404 });
    await t.dodo.idle();
    const sent = t.receiver.ofType("refund.succeeded").map((h) => h.event.data);
    expect(sent.filter((d) => d.payment_id === paymentId).map((d) => d.amount)).toEqual([
      400,
      PRODUCT.plan.priceCents - 400,
    ]);
  });

  it("refuses to refund more than is left, and a payment that did not succeed", async () => {
    const { customerId } = await t.subscribe(catalog, "refund-bad@example.com");
    const page = await t.client.payments.list({ customer_id: customerId, page_number: 0, page_size: 10 });
    const paymentId = page.items[0]!.payment_id;
    await expect(
      t.client.refunds.create({ payment_id: paymentId, items: [{ item_id: paymentId, amount: 999_999 }] }),
    ).rejects.toMatchObject({ status: 422 });
    expect((await t.client.payments.retrieve(paymentId)).refunds).toEqual([]);
  });
});
