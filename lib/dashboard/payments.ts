import { getPayments } from "@/lib/billing/overview";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";

export type PaymentRow = {
  id: string;
  product: "plan" | "topup" | "unknown";
  status: string;
  totalAmount: number;
  currency: string;
  paidAt: Date;
  /** Why a payment failed, in Dodo's words. */
  reason: string | null;
  /** Dodo's invoice/receipt for a successful payment, when its API gives one. */
  receiptUrl: string | null;
};

/**
 * The payments table: MailKit's rows (written by webhooks) with what only Dodo knows — which product was
 * bought (a declined plan payment has no subscription id), the decline reason and the receipt link.
 * If Dodo cannot be reached the rows still show, with the product unknown unless a subscription id says it.
 */
export async function getPaymentHistory(userId: string): Promise<PaymentRow[]> {
  const payments = await getPayments(userId);
  if (payments.length === 0) return [];
  const catalog = await getCatalog().catch(() => null);
  const details = await Promise.all(
    payments.map((p) =>
      getDodo()
        .payments.retrieve(p.id)
        .catch(() => null),
    ),
  );
  return payments.map((p, i) => {
    const dodo = details[i];
    const productIds = dodo?.product_cart?.map((line) => line.product_id) ?? [];
    const product =
      p.subscriptionId || (catalog && productIds.includes(catalog.planProductId))
        ? "plan"
        : catalog && productIds.includes(catalog.topUpProductId)
          ? "topup"
          : "unknown";
    return {
      id: p.id,
      product,
      status: p.status,
      totalAmount: p.totalAmount,
      currency: p.currency,
      paidAt: p.paidAt,
      reason: p.status === "succeeded" ? null : (dodo?.error_message ?? null),
      receiptUrl: p.status === "succeeded" ? (dodo?.invoice_url ?? null) : null,
    };
  });
}
