import type { CheckoutSessionCreateParams, CheckoutSessionResponse } from "dodopayments/resources/checkout-sessions";
import type { CustomerRetrievePaymentMethodsResponse } from "dodopayments/resources/customers/customers";

import { completeCheckout, createCheckout, TEST_CARDS } from "./billing";
import type { DodoEngine } from "./engine";
import { notFound, unprocessable } from "./errors";

/**
 * Saved payment methods: Dodo keeps the card of a returning customer's successful checkout, lists it at
 * `GET /customers/{id}/payment-methods`, and a checkout session created with `confirm: true` and that
 * `payment_method_id` charges it at once (no hosted page: `checkout_url` is null, `payment_id` is set). The charge
 * fires the same webhooks as a hosted checkout. The control plane can make a customer's next charges decline.
 */

/** GET /customers/{id}/payment-methods */
export function listSavedMethods(engine: DodoEngine, customerId: string): CustomerRetrievePaymentMethodsResponse {
  if (!engine.state.customers[customerId]) throw notFound("Customer not found");
  return {
    items: (engine.state.savedMethods[customerId] ?? []).map((m) => ({
      payment_method: "card",
      payment_method_id: m.payment_method_id,
      payment_method_type: "credit",
      recurring_enabled: true,
      last_used_at: m.last_used_at,
      card: {
        card_holder_name: null,
        card_issuing_country: "US",
        card_network: m.network,
        card_type: "CREDIT",
        expiry_month: "12",
        expiry_year: "2030",
        last4_digits: m.last4,
      },
    })),
  };
}

/** POST /checkouts: a hosted session, or with `confirm: true` and a saved `payment_method_id`, a payment now. */
export function createCheckoutOrCharge(
  engine: DodoEngine,
  params: CheckoutSessionCreateParams,
): CheckoutSessionResponse {
  const session = createCheckout(engine, params);
  const paymentMethodId = params.payment_method_id;
  if (!params.confirm || !paymentMethodId) return session;
  const checkout = engine.state.checkouts[session.session_id]!;
  const customerId = checkout.customer_id;
  if (!customerId) throw unprocessable("payment_method_id: an existing customer_id must be provided");
  const method = (engine.state.savedMethods[customerId] ?? []).find((m) => m.payment_method_id === paymentMethodId);
  if (!method) throw notFound(`Payment method ${paymentMethodId} not found for customer ${customerId}`);
  const declines = engine.state.declineSavedCharges[customerId] ?? 0;
  if (declines > 0) engine.state.declineSavedCharges[customerId] = declines - 1;
  // Without a billing address in the request, the charge is billed where the customer's last payment was.
  const lastBilling = params.billing_address
    ? undefined
    : Object.values(engine.state.payments)
        .filter((p) => p.customer.customer_id === customerId && p.status === "succeeded")
        .at(-1)?.billing;
  const outcome = completeCheckout(engine, checkout.id, {
    card: declines > 0 ? TEST_CARDS.declined : method.card,
    billing: lastBilling,
  });
  if (outcome.status === "succeeded") method.last_used_at = engine.nowIso();
  engine.save();
  return {
    session_id: checkout.id,
    checkout_url: null,
    client_secret: null,
    payment_id: outcome.payment_id,
    publishable_key: null,
  };
}

/** Control plane: the customer's next `count` saved-method charges are declined. */
export function declineSavedCharges(engine: DodoEngine, customerId: string, count: number): { declines: number } {
  if (!engine.state.customers[customerId]) throw notFound("Customer not found");
  engine.state.declineSavedCharges[customerId] = count;
  engine.save();
  return { declines: count };
}
