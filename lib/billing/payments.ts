import type { Payment } from "dodopayments/resources/payments";

import { PRODUCT } from "@/lib/catalog/product";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";
import { logger } from "@/lib/runtime/log";

import { getPayments } from "./overview";

export type PaymentKind = "subscription" | "top_up" | "unknown";
/** What the payments table says: paid, failed, refunded in full or in part, or still in flight. */
export type PaymentState = "paid" | "failed" | "refunded" | "partially_refunded" | "processing" | "cancelled";

export type PaymentRow = {
  id: string;
  kind: PaymentKind;
  /** Product names with quantities, from the payment's cart ("Email Top-Up Pack × 2"). */
  products: string[];
  /** Bought by auto top-up on the saved card. */
  autoTopUp: boolean;
  state: PaymentState;
  /** Charged, tax included, in the currency's smallest unit. */
  totalAmount: number;
  /** Tax Dodo collected as merchant of record (null when Dodo could not be read). */
  tax: number | null;
  refundedAmount: number;
  currency: string;
  paidAt: Date;
  /** "VISA •••• 1450" */
  card: string | null;
  /** The billing address on the payment ("Berlin 10115, DE"). */
  billedTo: string | null;
  /** The customer's tax ID, as their plan records it (Dodo keeps it on the subscription). */
  taxId: string | null;
  /** Why a payment failed, in Dodo's words. */
  reason: string | null;
  /** Dodo's invoice for a paid payment. */
  invoiceUrl: string | null;
};

/**
 * The payments table: MailKit's rows (written by Dodo's payment webhooks) with what only Dodo's payment carries —
 * the products bought, tax, billing address, card, refunds and the invoice. If Dodo cannot be reached the rows
 * still show what MailKit recorded, with the product unknown unless a subscription id says it.
 */
export async function getPaymentHistory(userId: string): Promise<PaymentRow[]> {
  const payments = await getPayments(userId);
  if (payments.length === 0) return [];
  const catalog = await getCatalog().catch(() => null);
  const details = await Promise.all(
    payments.map((p) =>
      getDodo()
        .payments.retrieve(p.id)
        .catch((error: unknown) => {
          logger("billing").warn({ err: error, paymentId: p.id }, "payment read failed");
          return null;
        }),
    ),
  );
  const taxIds = await subscriptionTaxIds([...new Set(payments.map((p) => p.subscriptionId).filter(isString))]);
  const names: Record<string, string> = catalog
    ? { [catalog.planProductId]: PRODUCT.plan.name, [catalog.topUpProductId]: PRODUCT.topUp.name }
    : {};

  return payments.map((p, i) => {
    const dodo = details[i] ?? null;
    const cart = dodo?.product_cart ?? [];
    const kind: PaymentKind =
      p.subscriptionId || (catalog && cart.some((l) => l.product_id === catalog.planProductId))
        ? "subscription"
        : catalog && cart.some((l) => l.product_id === catalog.topUpProductId)
          ? "top_up"
          : "unknown";
    const refundedAmount = (dodo?.refunds ?? [])
      .filter((r) => r.status === "succeeded")
      .reduce((sum, r) => sum + (r.amount ?? 0), 0);
    const paid = p.status === "succeeded";
    return {
      id: p.id,
      kind,
      products: cart.length
        ? cart.map((l) => `${names[l.product_id] ?? "Product"}${l.quantity > 1 ? ` × ${l.quantity}` : ""}`)
        : [kind === "subscription" ? PRODUCT.plan.name : kind === "top_up" ? PRODUCT.topUp.name : "Payment"],
      autoTopUp: dodo?.metadata?.mailkit_checkout === "auto_top_up",
      state: stateOf(p.status, dodo),
      totalAmount: p.totalAmount,
      tax: dodo ? (dodo.tax ?? 0) : null,
      refundedAmount,
      currency: p.currency,
      paidAt: p.paidAt,
      card: dodo?.card_last_four ? `${dodo.card_network ?? "Card"} •••• ${dodo.card_last_four}` : null,
      billedTo: dodo ? billedTo(dodo.billing) : null,
      taxId: p.subscriptionId ? (taxIds.get(p.subscriptionId) ?? null) : null,
      reason: paid ? null : (dodo?.error_message ?? null),
      invoiceUrl: paid ? (dodo?.invoice_url ?? null) : null,
    };
  });
}

function stateOf(status: string, dodo: Payment | null): PaymentState {
  if (status === "succeeded") {
    if (dodo?.refund_status === "full") return "refunded";
    if (dodo?.refund_status === "partial") return "partially_refunded";
    return "paid";
  }
  if (status === "failed" || status === "cancelled") return status;
  return "processing";
}

function billedTo(billing: Payment["billing"]): string {
  const place = [billing.city, billing.zipcode].filter(Boolean).join(" ");
  return [billing.street, place, billing.country].filter(Boolean).join(", ");
}

async function subscriptionTaxIds(ids: string[]): Promise<Map<string, string | null>> {
  const found = await Promise.all(
    ids.map((id) =>
      getDodo()
        .subscriptions.retrieve(id)
        .then((s) => [id, s.tax_id ?? null] as const)
        .catch(() => [id, null] as const),
    ),
  );
  return new Map(found);
}

const isString = (v: string | null): v is string => typeof v === "string";
