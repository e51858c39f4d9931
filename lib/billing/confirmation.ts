import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";

/**
 * `unknown`: the page was opened without a payment of this user (no parameters, someone else's or a made-up id);
 * `stale`: Dodo still has not confirmed a payment made long ago — the page says so instead of waiting forever.
 */
export type CheckoutConfirmation = "confirmed" | "pending" | "failed" | "unknown" | "stale";

/** Longer than Dodo's webhooks take even when slow (2–10 minutes for payment.succeeded, DODO.md). */
const STALE_AFTER_MS = 15 * 60_000;

/**
 * What MailKit knows about a checkout the browser came back from. The redirect's query parameters are
 * only a hint: confirmation comes from Dodo's webhooks, and only for this user's own payments. Before the webhooks
 * land, Dodo itself is asked whether the id is this customer's and how old it is.
 */
export async function checkoutConfirmation(
  user: { id: string; dodoCustomerId: string | null },
  ref: { subscriptionId?: string; paymentId?: string; status?: string },
): Promise<CheckoutConfirmation> {
  const userId = user.id;
  if (ref.subscriptionId) {
    const subscription = await db.subscription.findFirst({ where: { id: ref.subscriptionId, userId } });
    if (subscription?.status === "active") return "confirmed";
    if (subscription && ["failed", "cancelled", "expired"].includes(subscription.status)) return "failed";
  } else if (ref.paymentId) {
    const payment = await db.payment.findFirst({ where: { id: ref.paymentId, userId } });
    if (payment?.status === "succeeded") return "confirmed";
    if (payment && ["failed", "cancelled"].includes(payment.status)) return "failed";
  } else {
    return "unknown";
  }
  const inDodo = await dodoCreatedAt(user.dodoCustomerId, ref);
  if (inDodo === null) return "unknown";
  if (inDodo !== undefined && Date.now() - inDodo.getTime() > STALE_AFTER_MS) return "stale";
  return ref.status === "failed" ? "failed" : "pending";
}

/** When Dodo created the payment/subscription if it is this customer's; null if not; undefined if Dodo is unreachable. */
async function dodoCreatedAt(
  customerId: string | null,
  ref: { subscriptionId?: string; paymentId?: string },
): Promise<Date | null | undefined> {
  if (!customerId) return null;
  try {
    const found = ref.subscriptionId
      ? await getDodo().subscriptions.retrieve(ref.subscriptionId)
      : await getDodo().payments.retrieve(ref.paymentId!);
    return found.customer.customer_id === customerId ? new Date(found.created_at) : null;
  } catch (error) {
    return (error as { status?: number }).status === 404 ? null : undefined;
  }
}
