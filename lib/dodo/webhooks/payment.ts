import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { findUserByCustomerId } from "@/lib/billing/customer";
import { requestCreditSync, syncIfRequested } from "@/lib/credits";
import { db } from "@/lib/db";
import { dodoPaymentEventShape, dodoEventProblem } from "@/lib/validations/webhooks";

import type { Receipt } from "./index";

const FINAL_STATUSES = ["succeeded", "failed", "cancelled"];

type PaymentEvent = Extract<UnwrapWebhookEvent, { type: `payment.${string}` }>;

/** payment.succeeded / failed / processing / cancelled: record the payment (the billing history). */
export async function handlePaymentEvent(event: UnwrapWebhookEvent, receipt: Receipt): Promise<string | undefined> {
  // Signed by Dodo but not the shape this handler reads: log it and answer 200 (a retry would not fix it).
  const problem = dodoEventProblem(dodoPaymentEventShape, event);
  if (problem) {
    console.warn(`[webhooks/dodo] ${event.type} ${receipt.id}: ${problem}`);
    await db.webhookReceipt.create({ data: receipt });
    return problem;
  }
  const payment = (event as PaymentEvent).data;
  const customerId = payment.customer?.customer_id;
  const user = customerId ? await findUserByCustomerId(customerId) : null;
  if (!user || !customerId) {
    await db.webhookReceipt.create({ data: receipt });
    return `no MailKit user for customer ${customerId ?? "(none)"}`;
  }
  const status = event.type.slice("payment.".length);
  // A successful payment usually brings credits: a re-sync is requested with the receipt and run right after
  // it (or by the credit-sync loop if Dodo is unreachable now; credit.added also asks, whichever comes first).
  let ignored: string | undefined;
  await db.$transaction(async (tx) => {
    await tx.webhookReceipt.create({ data: receipt });
    if (status === "succeeded") await requestCreditSync(tx, customerId);
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
      ignored = `${foreign === plan ? "subscription" : "payment"} ${foreign.id} belongs to another customer`;
      console.warn(`[webhooks/dodo] ${event.type} ${receipt.id}: ${ignored} (event names ${customerId})`);
      return;
    }
    // Events arrive in any order: a late "processing" must not undo a final outcome.
    if (existing && FINAL_STATUSES.includes(existing.status) && !FINAL_STATUSES.includes(status)) return;
    await tx.payment.upsert({
      where: { id: payment.payment_id },
      update: data,
      create: { id: payment.payment_id, ...data },
    });
  });
  if (status === "succeeded") await syncIfRequested(customerId);
  return ignored;
}
