import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

import { POST } from "@/app/api/webhooks/dodo/route";

import { TEST_DODO_WEBHOOK_SECRET } from "../integration/helpers/environment";

/** Signs a Dodo event like Dodo does (Standard Webhooks) and posts it to MailKit's route handler. */
export async function deliverDodoWebhook(
  event: { type: string; data: Record<string, unknown>; timestamp?: string },
  options: { id?: string; signedAt?: Date; secret?: string; rawBody?: string } = {},
) {
  const id = options.id ?? `msg_${randomUUID().replaceAll("-", "")}`;
  const signedAt = options.signedAt ?? new Date();
  const body =
    options.rawBody ??
    JSON.stringify({
      business_id: "bus_test",
      type: event.type,
      timestamp: event.timestamp ?? new Date().toISOString(),
      data: event.data,
    });
  const signature = new Webhook(options.secret ?? TEST_DODO_WEBHOOK_SECRET).sign(id, signedAt, body);
  const response = await POST(
    new Request("http://localhost:3000/api/webhooks/dodo", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(signedAt.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body,
    }),
  );
  return { id, status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function subscriptionData(input: {
  subscriptionId: string;
  customerId: string;
  productId: string;
  entitlementId: string;
  status: string;
  nextBillingDate: string;
  email?: string;
}) {
  return {
    payload_type: "Subscription",
    subscription_id: input.subscriptionId,
    product_id: input.productId,
    status: input.status,
    quantity: 1,
    customer: { customer_id: input.customerId, email: input.email ?? "someone@example.com", name: "Someone" },
    next_billing_date: input.nextBillingDate,
    previous_billing_date: new Date().toISOString(),
    cancel_at_next_billing_date: false,
    metadata: {},
    credit_entitlement_cart: [{ credit_entitlement_id: input.entitlementId, credits_amount: "5000" }],
  };
}

export function paymentData(input: {
  paymentId: string;
  customerId: string;
  subscriptionId?: string | null;
  amount?: number;
}) {
  return {
    payload_type: "Payment",
    payment_id: input.paymentId,
    customer: { customer_id: input.customerId, email: "someone@example.com", name: "Someone" },
    subscription_id: input.subscriptionId ?? null,
    total_amount: input.amount ?? 1900,
    currency: "USD",
    status: "succeeded",
    created_at: new Date().toISOString(),
    metadata: {},
  };
}

export function ledgerData(input: {
  customerId: string;
  entitlementId: string;
  type: string;
  amount: number;
  isCredit: boolean;
}) {
  return {
    payload_type: "CreditLedgerEntry",
    id: `cdl_${randomUUID().slice(0, 12)}`,
    customer_id: input.customerId,
    credit_entitlement_id: input.entitlementId,
    transaction_type: input.type,
    amount: String(input.amount),
    is_credit: input.isCredit,
    balance_before: "0",
    balance_after: "0",
    overage_before: "0",
    overage_after: "0",
    brand_id: "bus_test",
    business_id: "bus_test",
    metadata: {},
    created_at: new Date().toISOString(),
  };
}

/** credit.balance_low as Dodo sends it for MailKit's plan (5,000 per cycle, threshold 20% = 1,000). */
export function lowBalanceEvent(input: { customerId: string; entitlementId: string; available: number }) {
  return {
    type: "credit.balance_low",
    data: {
      payload_type: "CreditBalanceLow",
      customer_id: input.customerId,
      credit_entitlement_id: input.entitlementId,
      subscription_id: "sub_x",
      available_balance: String(input.available),
      threshold_amount: "1000",
      threshold_percent: 20,
      subscription_credits_amount: "5000",
      credit_entitlement_name: "Email Credits",
      brand_id: "bus_test",
    },
  };
}
