import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import { LIVE_PLAN_STATUSES } from "@/lib/credits";
import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";
import { getEnv } from "@/lib/env";

import { ensureDodoCustomer } from "./customer";
import type { SessionUser } from "@/lib/auth/session";
import { HttpError } from "@/lib/errors";

export type CheckoutKind = "subscribe" | "topup";

/** A purchase that cannot be made in the customer's state (409; the billing page shows its code). */
export class BillingError extends HttpError {
  constructor(code: "already_subscribed" | "no_plan", message: string) {
    super(code, message);
  }
}

/** Statuses in which a plan still renews (a second subscription would double-bill). */
export const LIVE_SUBSCRIPTION_STATUSES = LIVE_PLAN_STATUSES;

/**
 * Starts a Dodo hosted checkout for the signed-in user's own customer and returns its URL. The return URL
 * is only a landing page: credits count once Dodo's webhooks confirm the payment.
 */
export async function startCheckout(user: SessionUser, kind: CheckoutKind): Promise<string> {
  // Packs are add-ons to a live plan (lib/catalog/product.ts): without one, the answer says to subscribe first.
  if (kind === "topup" && PRODUCT.topUp.requiresPlan) {
    const live = await db.subscription.count({
      where: { userId: user.id, status: { in: LIVE_SUBSCRIPTION_STATUSES } },
    });
    if (!live) throw new BillingError("no_plan", PRODUCT_COPY.noPlan);
  }
  if (kind === "subscribe") {
    const live = await db.subscription.findFirst({
      where: { userId: user.id, status: { in: LIVE_SUBSCRIPTION_STATUSES } },
    });
    if (live)
      throw new BillingError(
        "already_subscribed",
        "You already have a MailKit Plan. Buy a top-up pack for more credits.",
      );
  }
  const customerId = await ensureDodoCustomer(user);
  const catalog = await getCatalog();
  // MailKit's own rows only exist once webhooks arrive; ask Dodo too, so a plan paid a moment ago counts.
  if (kind === "subscribe" && (await hasLivePlanInDodo(customerId, catalog.planProductId))) {
    throw new BillingError(
      "already_subscribed",
      "You already have a MailKit Plan. Buy a top-up pack for more credits.",
    );
  }
  const session = await getDodo().checkoutSessions.create({
    product_cart: [{ product_id: kind === "subscribe" ? catalog.planProductId : catalog.topUpProductId, quantity: 1 }],
    customer: { customer_id: customerId },
    return_url: `${getEnv().APP_URL}/dashboard/billing/return?kind=${kind}`,
    metadata: { mailkit_user_id: user.id, mailkit_checkout: kind },
  });
  if (!session.checkout_url) throw new Error("Dodo did not return a checkout URL");
  return session.checkout_url;
}

/** Whether Dodo already has a live MailKit Plan for this customer (true before its webhooks reach MailKit). */
export async function hasLivePlanInDodo(customerId: string, planProductId: string): Promise<boolean> {
  const page = await getDodo().subscriptions.list({ customer_id: customerId, page_number: 0, page_size: 100 });
  return page.items.some((s) => s.product_id === planProductId && LIVE_SUBSCRIPTION_STATUSES.includes(s.status));
}

/** A one-time link to Dodo's customer portal (manage or cancel the plan, invoices). */
export async function customerPortalUrl(user: SessionUser): Promise<string> {
  const customerId = await ensureDodoCustomer(user);
  const portal = await getDodo().customers.customerPortal.create(customerId, {
    return_url: `${getEnv().APP_URL}/dashboard/billing`,
  });
  return portal.link;
}

/**
 * Cancels the user's plan at the end of the current cycle (credits already granted stay until they expire).
 * MailKit's row changes when Dodo's subscription.updated webhook arrives, like any other plan change.
 */
export async function cancelPlanAtPeriodEnd(user: SessionUser): Promise<void> {
  const live = await db.subscription.findFirst({
    where: { userId: user.id, status: { in: LIVE_SUBSCRIPTION_STATUSES } },
    orderBy: { createdAt: "desc" },
  });
  if (!live) throw new BillingError("no_plan", "You have no plan to cancel.");
  await getDodo().subscriptions.update(live.id, { cancel_at_next_billing_date: true });
}

/** How the billing page's checkout buttons (POST /api/checkout/{subscribe,topup}) are answered. */
export const checkoutRoute = {
  signIn: "/dashboard/billing",
  errorPage: "/dashboard/billing",
  failure: { code: "checkout_failed", message: "Could not start the checkout. Please try again." },
} as const;

/** A form post goes to the checkout page; fetch() gets its URL. */
export const checkoutAnswer = (url: string) => ({ redirect: url, json: { checkout_url: url } });
