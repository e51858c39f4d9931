import type { ServerResponse } from "node:http";

import { escapeHtml, sendHtml } from "../shared/http";
import type { DodoEngine } from "./engine";
import { htmlPage } from "./html";

/** The invoice behind a succeeded payment's `invoice_url` (Dodo serves a PDF; an HTML page is enough here). */
export function handleReceiptPage(engine: DodoEngine, res: ServerResponse, paymentId: string): boolean {
  const payment = engine.state.payments[paymentId];
  if (!payment || payment.status !== "succeeded") {
    sendHtml(res, 404, htmlPage("Receipt not found", `<main style="padding:40px"><h1>Receipt not found</h1></main>`));
    return true;
  }
  const money = (cents: number) =>
    (cents / 100).toLocaleString("en-US", { style: "currency", currency: payment.currency });
  const tax = payment.tax ?? 0;
  const lines = (payment.product_cart ?? [])
    .map((line) => {
      const name = engine.state.products[line.product_id]?.name ?? line.product_id;
      return `<tr><td data-testid="receipt-product">${escapeHtml(name)}</td><td>× ${line.quantity}</td></tr>`;
    })
    .join("");
  const b = payment.billing;
  const address = [b.street, [b.city, b.zipcode].filter(Boolean).join(" "), b.country].filter(Boolean).join(", ");
  sendHtml(
    res,
    200,
    htmlPage(
      `Invoice ${payment.payment_id}`,
      `<div class="test-banner"><b>Test mode</b> · Dodo Payments emulator</div>
<main class="card" style="max-width:560px;margin:32px auto;padding:28px">
<h1 data-testid="receipt-title">Invoice</h1>
<p class="muted small">Payment <span class="mono">${escapeHtml(payment.payment_id)}</span> · ${escapeHtml(payment.created_at)}</p>
<table><tbody>${lines}
<tr><td>Subtotal</td><td>${escapeHtml(money(payment.total_amount - tax))}</td></tr>
<tr><td>Tax</td><td data-testid="receipt-tax">${escapeHtml(money(tax))}</td></tr>
<tr><td><b>Total paid</b></td><td><b data-testid="receipt-total">${escapeHtml(money(payment.total_amount))}</b></td></tr></tbody></table>
<p class="muted small">Billed to ${escapeHtml(payment.customer.email)}, <span data-testid="receipt-address">${escapeHtml(address)}</span> · ${escapeHtml(payment.card_network ?? "Card")} ending ${escapeHtml(payment.card_last_four ?? "—")}</p>
</main>`,
    ),
  );
  return true;
}
