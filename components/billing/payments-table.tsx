import { ExternalLink } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { PRODUCT } from "@/lib/catalog/product";
import type { PaymentRow } from "@/lib/dashboard/payments";
import { formatCents, formatDate } from "@/lib/format";

const productLabel = { plan: PRODUCT.plan.name, topup: PRODUCT.topUp.name, unknown: "Payment" } as const;
const statusTone = (status: string) =>
  status === "succeeded" ? "green" : status === "failed" || status === "cancelled" ? "red" : "yellow";

/** Payments from Dodo's webhooks: what, when, how much, the outcome (with the decline reason) and the receipt. */
export function PaymentsTable({ payments }: { payments: PaymentRow[] }) {
  return (
    <Card>
      <CardHeader title="Payments" description="Charged by Dodo Payments, newest first." />
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
              <Th>Receipt</Th>
            </>
          }
        >
          {payments.map((p) => (
            <tr key={p.id} data-testid="payment-row">
              <Td className="font-medium text-gray-900">{productLabel[p.product]}</Td>
              <Td label="Date" className="whitespace-nowrap text-gray-600">
                {formatDate(p.paidAt)}
              </Td>
              <Td label="Amount" align="right" className="tabular-nums">
                {formatCents(p.totalAmount, p.currency)}
              </Td>
              <Td label="Status">
                <Badge tone={statusTone(p.status)}>{p.status}</Badge>
                {p.reason ? (
                  <span className="mt-1 block text-xs text-red-700" data-testid="payment-reason">
                    {p.reason}
                  </span>
                ) : null}
              </Td>
              <Td label="Receipt">
                {p.receiptUrl ? (
                  <a
                    href={p.receiptUrl}
                    target="_blank"
                    rel="noreferrer"
                    className="inline-flex items-center gap-1 font-medium text-brand-700 hover:underline"
                    data-testid="payment-receipt"
                  >
                    Receipt <ExternalLink className="h-3.5 w-3.5" aria-hidden />
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
