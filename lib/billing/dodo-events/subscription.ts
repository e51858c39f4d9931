import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { findUserByCustomerId } from "@/lib/billing/customer";
import { PRODUCT } from "@/lib/catalog/product";
import { requestCreditSync, syncIfRequested } from "@/lib/credits";
import { getCatalog } from "@/lib/dodo/catalog";
import { toCredits } from "@/lib/dodo/client";
import type { EventHandler, HandlerTable } from "@/lib/inbound/inbox";

import { dodoSubscriptionEventShape } from "./shapes";

type SubscriptionEvent = Extract<UnwrapWebhookEvent, { type: `subscription.${string}` }>;

/**
 * subscription.active / renewed / on_hold / cancelled / expired / updated …: store the plan's status and
 * next billing date. Events can arrive in any order: one older than what is stored changes nothing.
 */
const recordSubscription: EventHandler<SubscriptionEvent> = {
  shape: dodoSubscriptionEventShape,
  async prepare() {
    await getCatalog(); // the entitlement id (cached; read from Dodo once per process) before the transaction
  },
  async apply(event, tx, receiptId) {
    const subscription = event.data;
    const customerId = subscription.customer.customer_id;
    const user = await findUserByCustomerId(customerId, tx);
    if (!user) return { ignored: `no MailKit user for customer ${customerId}` };

    const { entitlementId } = await getCatalog();
    const cartLine = (subscription.credit_entitlement_cart ?? []).find(
      (line) => line.credit_entitlement_id === entitlementId,
    );
    const creditsPerCycle = cartLine ? toCredits(cartLine.credits_amount) : PRODUCT.plan.credits;
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

    // A new cycle brings credits: re-read the balance (requested with the receipt, run right after it).
    await requestCreditSync(tx, customerId);
    const after = () => syncIfRequested(customerId).then(() => undefined);
    const existing = await tx.subscription.findUnique({ where: { id: subscription.subscription_id } });
    // A subscription never changes hands: an event naming another customer's subscription is logged and ignored.
    if (existing && (existing.userId !== user.id || existing.customerId !== customerId)) {
      const ignored = `subscription ${subscription.subscription_id} belongs to another customer (event ${receiptId} names ${customerId})`;
      return { ignored, after };
    }
    if (existing && existing.eventAt > eventAt) return { outcome: "recorded", after };
    await tx.subscription.upsert({
      where: { id: subscription.subscription_id },
      update: state,
      create: { id: subscription.subscription_id, ...state },
    });
    // The plan's allowance scales the meter and sets the low-balance line.
    if (
      event.type === "subscription.active" ||
      event.type === "subscription.renewed" ||
      subscription.status === "active"
    )
      await tx.creditAccount.updateMany({ where: { customerId }, data: { allowance: creditsPerCycle } });
    return { after };
  },
};

export const subscriptionEvents: HandlerTable<SubscriptionEvent> = {
  "subscription.active": recordSubscription,
  "subscription.renewed": recordSubscription,
  "subscription.on_hold": recordSubscription,
  "subscription.cancelled": recordSubscription,
  "subscription.expired": recordSubscription,
  "subscription.failed": recordSubscription,
  "subscription.updated": recordSubscription,
  "subscription.plan_changed": recordSubscription,
  "subscription.past_due": recordSubscription,
  "subscription.paused": recordSubscription,
  "subscription.unpaused": recordSubscription,
  "subscription.update_payment_method": recordSubscription,
};
