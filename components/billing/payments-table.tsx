import { ExternalLink } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { PaymentKind, PaymentRow, PaymentState } from "@/lib/billing/payments";
import { formatCents, formatDate } from "@/lib/format";

const KIND_LABEL: Record<PaymentKind, string> = {
  subscription: "Subscription",
  top_up: "Top-up pack",
  unknown: "Payment",
};

const STATE: Record<PaymentState, { label: string; tone: "green" | "red" | "yellow" | "gray" }> = {
  paid: { label: "Paid", tone: "green" },
  failed: { label: "Failed", tone: "red" },
  cancelled: { label: "Cancelled", tone: "red" },
  refunded: { label: "Refunded", tone: "gray" },
  partially_refunded: { label: "Partly refunded", tone: "yellow" },
  processing: { label: "Processing", tone: "yellow" },
};

/**
 * Payments charged by Dodo: what was bought (product names, subscription or top-up pack), when, the amount with its
 * tax, the card and billing address, the outcome (with the decline reason or the refund) and Dodo's invoice.
 */
export function PaymentsTable({ payments }: { payments: PaymentRow[] }) {
  return (
    <Card>
      <CardHeader
        title="Payments and invoices"
        description="Charged by Dodo Payments (merchant of record, which adds tax for your billing country), newest first."
      />
      {payments.length === 0 ? (
        <p className="px-6 py-5 text-sm text-gray-500">No payments yet.</p>
      ) : (
        <Table
          stack
          head={
            <>
              <Th>Product</Th>
              <Th>Date</Th>
              <Th align="right">Amount</Th>
              <Th>Status</Th>
              <Th>Invoice</Th>
            </>
          }
        >
          {payments.map((p) => (
            <tr key={p.id} data-testid="payment-row" data-state={p.state}>
              <Td>
                <span className="block font-medium text-gray-900" data-testid="payment-products">
                  {p.products.join(", ")}
                </span>
                <span className="block text-xs text-gray-600" data-testid="payment-kind">
                  {KIND_LABEL[p.kind]}
                  {p.autoTopUp ? " · auto top-up" : ""}
                </span>
                {p.card || p.billedTo ? (
                  <span className="block text-xs text-gray-600" data-testid="payment-billing">
                    {[p.card, p.billedTo ? `billed to ${p.billedTo}` : null].filter(Boolean).join(" · ")}
                    {p.taxId ? ` · tax ID ${p.taxId}` : ""}
                  </span>
                ) : null}
              </Td>
              <Td label="Date" className="whitespace-nowrap text-gray-600">
                {formatDate(p.paidAt)}
              </Td>
              <Td label="Amount" align="right" className="tabular-nums">
                <span className="block">{formatCents(p.totalAmount, p.currency)}</span>
                {p.tax !== null ? (
                  <span className="block text-xs text-gray-600" data-testid="payment-tax">
                    incl. {formatCents(p.tax, p.currency)} tax
                  </span>
                ) : null}
              </Td>
              <Td label="Status">
                <Badge tone={STATE[p.state].tone}>{STATE[p.state].label}</Badge>
                {p.refundedAmount > 0 ? (
                  <span className="mt-1 block text-xs text-gray-600" data-testid="payment-refund">
                    {formatCents(p.refundedAmount, p.currency)} refunded
                  </span>
                ) : null}
                {p.reason ? (
                  <span className="mt-1 block text-xs text-red-700" data-testid="payment-reason">
                    {p.reason}
                  </span>
                ) : null}
              </Td>
              <Td label="Invoice">
                {p.invoiceUrl ? (
                  <a
                    href={p.invoiceUrl}
                    target="_blank"
                    rel="noreferrer"
                    className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline"
                    data-testid="payment-invoice"
                  >
                    Invoice <ExternalLink className="h-3.5 w-3.5" aria-hidden />
                    <span className="sr-only">(opens in a new tab)</span>
                  </a>
                ) : (
                  <span className="text-gray-500">—</span>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
