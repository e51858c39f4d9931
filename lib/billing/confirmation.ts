import { db } from "@/lib/db";

export type CheckoutConfirmation = "confirmed" | "pending" | "failed" | "unknown";

/**
 * What MailKit knows about a checkout the browser came back from. The redirect's query parameters are
 * only a hint: confirmation comes from Dodo's webhooks, and only for this user's own payments.
 */
export async function checkoutConfirmation(
  userId: string,
  ref: { subscriptionId?: string; paymentId?: string; status?: string },
): Promise<CheckoutConfirmation> {
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
  return ref.status === "failed" ? "failed" : "pending";
}
