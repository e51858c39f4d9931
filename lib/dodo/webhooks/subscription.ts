import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { findUserByCustomerId } from "@/lib/billing/customer";
import { requestCreditSync, syncIfRequested } from "@/lib/credits";
import { db } from "@/lib/db";
import { CATALOG, getCatalog } from "@/lib/dodo/catalog";
import { toCredits } from "@/lib/dodo/client";
import { dodoSubscriptionEventShape, dodoEventProblem } from "@/lib/validations/webhooks";

import type { Receipt } from "./index";

type SubscriptionEvent = Extract<UnwrapWebhookEvent, { type: `subscription.${string}` }>;

/**
 * subscription.active / renewed / on_hold / cancelled / expired / updated …: store the plan's status and
 * next billing date. Events can arrive in any order: one older than what is stored changes nothing.
 */
export async function handleSubscriptionEvent(
  event: UnwrapWebhookEvent,
  receipt: Receipt,
): Promise<string | undefined> {
  // Signed by Dodo but not the shape this handler reads: log it and answer 200 (a retry would not fix it).
  const problem = dodoEventProblem(dodoSubscriptionEventShape, event);
  if (problem) {
    console.warn(`[webhooks/dodo] ${event.type} ${receipt.id}: ${problem}`);
    await db.webhookReceipt.create({ data: receipt });
    return problem;
  }
  const subscription = (event as SubscriptionEvent).data;
  const customerId = subscription.customer?.customer_id;
  const user = customerId ? await findUserByCustomerId(customerId) : null;
  if (!user || !customerId) {
    await db.webhookReceipt.create({ data: receipt });
    return `no MailKit user for customer ${customerId ?? "(none)"}`;
  }

  const { entitlementId } = await getCatalog();
  const cartLine = (subscription.credit_entitlement_cart ?? []).find(
    (line) => line.credit_entitlement_id === entitlementId,
  );
  const creditsPerCycle = cartLine ? toCredits(cartLine.credits_amount) : CATALOG.plan.credits;
  const eventAt = new Date(event.timestamp);
  const state = {
    userId: user.id,
    customerId,
    productId: subscription.product_id,
    status: subscription.status,
    creditsPerCycle,
    nextBillingDate: subscription.next_billing_date ? new Date(subscription.next_billing_date) : null,
    previousBillingDate: subscription.previous_billing_date ? new Date(subscription.previous_billing_date) : null,
    cancelAtNextBillingDate: Boolean(subscription.cancel_at_next_billing_date),
    cancelledAt: subscription.cancelled_at ? new Date(subscription.cancelled_at) : null,
    eventAt,
  };

  let ignored: string | undefined;
  await db.$transaction(async (tx) => {
    await tx.webhookReceipt.create({ data: receipt });
    // A new cycle brings credits: re-read the balance (requested with the receipt, run right after it).
    await requestCreditSync(tx, customerId);
    const existing = await tx.subscription.findUnique({ where: { id: subscription.subscription_id } });
    // A subscription never changes hands: an event naming another customer's subscription is logged and ignored.
    if (existing && (existing.userId !== user.id || existing.customerId !== customerId)) {
      ignored = `subscription ${subscription.subscription_id} belongs to another customer`;
      console.warn(`[webhooks/dodo] ${event.type} ${receipt.id}: ${ignored} (event names ${customerId})`);
      return;
    }
    if (existing && existing.eventAt > eventAt) {
      ignored = "older than the stored state";
      return;
    }
    await tx.subscription.upsert({
      where: { id: subscription.subscription_id },
      update: state,
      create: { id: subscription.subscription_id, ...state },
    });
    // The plan's allowance scales the meter and sets the 20% low-balance line.
    if (["active", "renewed"].some((s) => event.type.endsWith(s)) || subscription.status === "active") {
      await tx.creditAccount.updateMany({ where: { customerId }, data: { allowance: creditsPerCycle } });
    }
  });
  await syncIfRequested(customerId);
  return ignored;
}
