import type { ServerResponse } from "node:http";

import { escapeHtml, sendHtml } from "../shared/http";
import type { DodoEngine } from "./engine";
import { htmlPage } from "./html";

/** The receipt behind a succeeded payment's `invoice_url` (Dodo serves a PDF invoice; an HTML page is enough here). */
export function handleReceiptPage(engine: DodoEngine, res: ServerResponse, paymentId: string): boolean {
  const payment = engine.state.payments[paymentId];
  if (!payment || payment.status !== "succeeded") {
    sendHtml(res, 404, htmlPage("Receipt not found", `<main style="padding:40px"><h1>Receipt not found</h1></main>`));
    return true;
  }
  const amount = (payment.total_amount / 100).toLocaleString("en-US", { style: "currency", currency: payment.currency });
  const lines = (payment.product_cart ?? [])
    .map((line) => `<tr><td class="mono">${escapeHtml(line.product_id)}</td><td>× ${line.quantity}</td></tr>`)
    .join("");
  sendHtml(
    res,
    200,
    htmlPage(
      `Receipt ${payment.payment_id}`,
      `<div class="test-banner"><b>Test mode</b> · Dodo Payments emulator</div>
<main class="card" style="max-width:560px;margin:32px auto;padding:28px">
<h1 data-testid="receipt-title">Receipt</h1>
<p class="muted small">Payment <span class="mono">${escapeHtml(payment.payment_id)}</span> · ${escapeHtml(payment.created_at)}</p>
<table><tbody>${lines}<tr><td><b>Total paid</b></td><td><b data-testid="receipt-total">${escapeHtml(amount)}</b></td></tr></tbody></table>
<p class="muted small">Billed to ${escapeHtml(payment.customer.email)}</p>
</main>`,
    ),
  );
  return true;
}
