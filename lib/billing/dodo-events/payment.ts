import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { findUserByCustomerId } from "@/lib/billing/customer";
import { requestCreditSync, syncIfRequested } from "@/lib/credits";
import type { EventHandler, HandlerTable } from "@/lib/inbound/inbox";

import { dodoPaymentEventShape } from "./shapes";

const FINAL_STATUSES = ["succeeded", "failed", "cancelled"];

type PaymentEvent = Extract<UnwrapWebhookEvent, { type: `payment.${string}` }>;

/** payment.succeeded / failed / processing / cancelled: record the payment (the billing history). */
const recordPayment: EventHandler<PaymentEvent> = {
  shape: dodoPaymentEventShape,
  async apply(event, tx, receiptId) {
    const payment = event.data;
    const customerId = payment.customer.customer_id;
    const user = await findUserByCustomerId(customerId, tx);
    if (!user) return { ignored: `no MailKit user for customer ${customerId}` };
    const status = event.type.slice("payment.".length);
    const data = {
      userId: user.id,
      customerId,
      subscriptionId: payment.subscription_id ?? null,
      status,
      totalAmount: Number(payment.total_amount ?? 0),
      currency: String(payment.currency ?? "USD"),
      paidAt: new Date(payment.created_at ?? event.timestamp),
    };
    const existing = await tx.payment.findUnique({ where: { id: payment.payment_id } });
    const plan = data.subscriptionId ? await tx.subscription.findUnique({ where: { id: data.subscriptionId } }) : null;
    // A payment never changes hands, nor joins another customer's plan: such an event is logged and ignored.
    const foreign = [existing, plan].find((row) => row && (row.userId !== user.id || row.customerId !== customerId));
    if (foreign) {
      const what = foreign === plan ? "subscription" : "payment";
      return { ignored: `${what} ${foreign.id} belongs to another customer (event ${receiptId} names ${customerId})` };
    }
    // A successful payment usually brings credits: a re-read is requested with the receipt and run right after
    // it (or by the credit-sync loop if Dodo is unreachable now; credit.added also asks, whichever comes first).
    const after = status === "succeeded" ? () => syncIfRequested(customerId).then(() => undefined) : undefined;
    if (status === "succeeded") await requestCreditSync(tx, customerId);
    // Events arrive in any order: a late "processing" must not undo a final outcome.
    if (existing && FINAL_STATUSES.includes(existing.status) && !FINAL_STATUSES.includes(status))
      return { outcome: "recorded", after };
    await tx.payment.upsert({
      where: { id: payment.payment_id },
      update: data,
      create: { id: payment.payment_id, ...data },
    });
    return { after };
  },
};

export const paymentEvents: HandlerTable<PaymentEvent> = {
  "payment.succeeded": recordPayment,
  "payment.failed": recordPayment,
  "payment.processing": recordPayment,
  "payment.cancelled": recordPayment,
};
