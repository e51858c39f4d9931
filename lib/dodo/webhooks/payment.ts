import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { findUserByCustomerId } from "@/lib/billing/customer";
import { syncCreditsFromDodo } from "@/lib/credits";
import { db } from "@/lib/db";

import type { Receipt } from "./index";

type PaymentEvent = Extract<UnwrapWebhookEvent, { type: `payment.${string}` }>;

/** payment.succeeded / failed / processing / cancelled: record the payment (the billing history). */
export async function handlePaymentEvent(event: UnwrapWebhookEvent, receipt: Receipt): Promise<string | undefined> {
  const payment = (event as PaymentEvent).data;
  const customerId = payment.customer?.customer_id;
  const user = customerId ? await findUserByCustomerId(customerId) : null;
  if (!user || !customerId) {
    await db.webhookReceipt.create({ data: receipt });
    return `no MailKit user for customer ${customerId ?? "(none)"}`;
  }
  const status = event.type.slice("payment.".length);
  await db.$transaction(async (tx) => {
    await tx.webhookReceipt.create({ data: receipt });
    const data = {
      userId: user.id,
      customerId,
      subscriptionId: payment.subscription_id ?? null,
      status,
      totalAmount: Number(payment.total_amount ?? 0),
      currency: String(payment.currency ?? "USD"),
      paidAt: new Date(payment.created_at ?? event.timestamp),
    };
    await tx.payment.upsert({
      where: { id: payment.payment_id },
      update: data,
      create: { id: payment.payment_id, ...data },
    });
  });
  // A successful payment usually brings credits; the credit.added event syncs too, whichever comes first.
  if (status === "succeeded") await syncCreditsFromDodo(customerId, `webhook:${receipt.id}`);
  return undefined;
}
