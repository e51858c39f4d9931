import type { IncomingMessage, ServerResponse } from "node:http";

import type { BillingAddress } from "dodopayments/resources/payments";

import { readBody, redirect, sendHtml } from "../shared/http";
import { AmountError } from "./amounts";
import { cartLines, completeCheckout, TEST_CARDS } from "./billing";
import type { DodoEngine } from "./engine";
import { ApiError } from "./errors";
import { escapeHtml, formatMoney, formatNumber, htmlPage, intervalLabel } from "./html";
import type { CheckoutRecord } from "./state";
import { applyTax } from "./tax";

/**
 * The hosted checkout page (`checkout_url`): the cart, a test card form, then a 303 to `return_url` with
 * Dodo's query parameters (`subscription_id` or `payment_id`, `status`, `email`).
 */
export async function handleCheckoutPage(
  engine: DodoEngine,
  req: IncomingMessage,
  res: ServerResponse,
  sessionId: string,
): Promise<void> {
  const checkout = engine.state.checkouts[sessionId];
  if (!checkout)
    return sendHtml(res, 404, messagePage("Checkout not found", "This checkout link is invalid or has been removed."));
  if (checkout.status === "completed") {
    return sendHtml(
      res,
      410,
      messagePage("Already paid", "This checkout session has already been completed. You can close this page."),
    );
  }
  if (req.method === "GET") return sendHtml(res, 200, renderCheckout(engine, checkout));
  if (req.method !== "POST") return sendHtml(res, 405, messagePage("Method not allowed", ""));

  const form = new URLSearchParams(await readBody(req));
  const card = form.get("card_number") ?? "";
  const problem = formProblem(form, checkout);
  if (problem) return sendHtml(res, 422, renderCheckout(engine, checkout, problem, form));
  try {
    const outcome = completeCheckout(engine, sessionId, {
      card,
      email: form.get("email") ?? undefined,
      name: form.get("name") ?? undefined,
      billing: { country: (form.get("country") ?? "US") as "US", zipcode: form.get("zipcode") || null },
    });
    if (outcome.redirect_url) return redirect(res, outcome.redirect_url);
    if (outcome.status === "failed")
      return sendHtml(
        res,
        402,
        renderCheckout(engine, checkout, "Your card was declined. Try the success test card.", form),
      );
    return sendHtml(
      res,
      200,
      messagePage("Payment successful", "Thanks! Your payment went through. You can close this page."),
    );
  } catch (error) {
    if (error instanceof ApiError || error instanceof AmountError)
      return sendHtml(res, 400, renderCheckout(engine, checkout, error.message, form));
    throw error;
  }
}

function formProblem(form: URLSearchParams, checkout: CheckoutRecord): string | undefined {
  if (!checkout.customer_email && !/^[^@\s]+@[^@\s]+$/.test(form.get("email") ?? ""))
    return "Enter a valid email address.";
  const digits = (form.get("card_number") ?? "").replace(/\D/g, "");
  if (digits.length < 12) return "Enter a card number.";
  if (!/^\d{2}\s*\/\s*\d{2}$/.test(form.get("expiry") ?? "")) return "Enter the expiry date as MM / YY.";
  if (!/^\d{3,4}$/.test(form.get("cvc") ?? "")) return "Enter the 3-digit security code.";
  return undefined;
}

function messagePage(title: string, text: string): string {
  return htmlPage(
    title,
    `<div class="test-banner"><b>TEST MODE</b> · Dodo Payments emulator</div>
     <div style="max-width:440px;margin:12vh auto;padding:0 20px;text-align:center">
       <div class="card" style="padding:36px 28px"><h1 style="font-size:22px">${escapeHtml(title)}</h1>
       <p class="muted">${escapeHtml(text)}</p></div></div>`,
  );
}

const CHECKOUT_CSS = `
.layout{display:grid;grid-template-columns:1fr 1fr;min-height:calc(100vh - 31px)}
.summary{background:#fff;border-right:1px solid #e3e8ee;padding:56px 56px 40px;display:flex;justify-content:flex-end}
.summary-inner,.pay-inner{width:100%;max-width:420px}
.pay{padding:56px;display:flex;justify-content:flex-start}
.merchant{display:flex;align-items:center;gap:10px;font-weight:600;font-size:15px;margin-bottom:36px}
.logo{width:30px;height:30px;border-radius:8px;background:linear-gradient(135deg,#6366f1,#8b5cf6);color:#fff;display:grid;place-items:center;font-size:14px;font-weight:700}
.amount{font-size:36px;font-weight:650;letter-spacing:-.02em;margin:6px 0 2px}
.line{display:flex;justify-content:space-between;gap:16px;padding:16px 0;border-bottom:1px solid #eef1f5}
.line .name{font-weight:600}
.perk{display:inline-flex;align-items:center;gap:6px;margin-top:6px;font-size:13px;color:#0e6245;background:#e6f6ec;border-radius:999px;padding:2px 10px}
.totals{padding-top:14px}.totals div{display:flex;justify-content:space-between;padding:4px 0}
.totals .grand{font-weight:650;font-size:16px;border-top:1px solid #eef1f5;margin-top:8px;padding-top:12px}
.card-box{border:1px solid #d5dbe1;border-radius:8px;overflow:hidden;background:#fff}
.card-box input{border:0;border-radius:0;box-shadow:none}
.card-box .row{display:grid;grid-template-columns:1fr 1fr;border-top:1px solid #d5dbe1}
.card-box .row input:first-child{border-right:1px solid #d5dbe1}
.card-box:focus-within{border-color:#6366f1;box-shadow:0 0 0 3px rgba(99,102,241,.18)}
.brands{float:right;display:flex;gap:4px;margin-top:-2px}
.brands span{font-size:10px;font-weight:700;border:1px solid #e3e8ee;border-radius:4px;padding:1px 5px;color:#1a1f36;background:#fff}
.pay-btn{width:100%;margin-top:22px;padding:13px;font-size:16px}
.hints{margin-top:22px;border:1px dashed #c7d2fe;background:#f5f7ff;border-radius:10px;padding:12px 14px;font-size:13px}
.hints button{font:inherit;border:0;background:none;color:#4f46e5;cursor:pointer;padding:0;font-family:ui-monospace,SFMono-Regular,Menlo,monospace}
.hints div{display:flex;justify-content:space-between;padding:3px 0}
.secure{margin-top:18px;text-align:center;font-size:12px;color:#8792a2}
.section-title{font-size:16px;margin-bottom:2px}
@media (max-width:860px){.layout{grid-template-columns:1fr}.summary,.pay{padding:28px 22px;justify-content:center;border-right:0}}
`;

function renderCheckout(engine: DodoEngine, checkout: CheckoutRecord, error?: string, form?: URLSearchParams): string {
  const lines = cartLines(engine, checkout.request);
  const currency = lines[0]!.product.price.currency;
  const subtotal = lines.reduce((sum, l) => sum + l.amount, 0);
  // Tax follows the billing country; the summary shows it for the country selected when the page was rendered.
  const country = (form?.get("country") ??
    checkout.request.billing_address?.country ??
    "US") as BillingAddress["country"];
  const taxed = lines.map((l) => applyTax(l.amount, { country }, l.product.price.tax_inclusive ?? false));
  const tax = taxed.reduce((sum, t) => sum + t.tax, 0);
  const total = taxed.reduce((sum, t) => sum + t.total, 0);
  const recurring = lines.find((l) => l.product.is_recurring);
  const frequency =
    recurring && recurring.product.price.type !== "one_time_price"
      ? intervalLabel(
          recurring.product.price.payment_frequency_count,
          recurring.product.price.payment_frequency_interval,
        )
      : null;

  const items = lines
    .map((l) => {
      const perks = l.credits
        .map((c) => {
          const e = engine.state.entitlements[c.credit_entitlement_id];
          const amount = formatNumber(String(BigInt(c.credits_amount.split(".")[0] ?? "0") * BigInt(l.quantity)));
          return `<span class="perk">✦ ${amount} ${escapeHtml(e?.name ?? "credits")}${l.product.is_recurring ? ` every ${escapeHtml(frequency ?? "cycle")}` : ""}</span>`;
        })
        .join(" ");
      const price = l.product.price;
      const every =
        price.type !== "one_time_price"
          ? ` <span class="muted small">/ ${escapeHtml(intervalLabel(price.payment_frequency_count, price.payment_frequency_interval))}</span>`
          : "";
      return `<div class="line"><div><div class="name">${escapeHtml(l.product.name ?? l.product.product_id)}</div>
        ${l.product.description ? `<div class="muted small">${escapeHtml(l.product.description)}</div>` : ""}
        ${l.quantity > 1 ? `<div class="muted small">Qty ${l.quantity}</div>` : ""}${perks ? `<div>${perks}</div>` : ""}</div>
        <div style="white-space:nowrap;font-weight:600">${formatMoney(l.amount, currency)}${every}</div></div>`;
    })
    .join("");

  const email = checkout.customer_email ?? form?.get("email") ?? "";
  const value = (name: string, fallback = "") => escapeHtml(form?.get(name) ?? fallback);
  const action = recurring ? "Subscribe" : `Pay ${formatMoney(total, currency)}`;
  const backLink = checkout.request.cancel_url ?? checkout.request.return_url;

  return htmlPage(
    "Checkout · Dodo Payments",
    `<div class="test-banner"><b>TEST MODE</b> · Dodo Payments emulator · no real money moves</div>
<div class="layout">
  <section class="summary"><div class="summary-inner">
    <div class="merchant">${backLink ? `<a href="${escapeHtml(backLink)}" class="muted" style="font-weight:500">←</a>` : ""}<span class="logo">${escapeHtml((lines[0]!.product.name ?? "D").slice(0, 1).toUpperCase())}</span><span>${escapeHtml(lines[0]!.product.name ?? "Checkout")}</span></div>
    <div class="muted">${recurring ? "Subscribe to " + escapeHtml(recurring.product.name ?? "") : "Pay"}</div>
    <div class="amount" data-testid="total">${formatMoney(total, currency)}</div>
    <div class="muted small">${frequency ? `per ${escapeHtml(frequency)}, billed today` : "one-time payment"}</div>
    <div style="margin-top:28px">${items}</div>
    <div class="totals">
      <div><span class="muted">Subtotal</span><span>${formatMoney(subtotal, currency)}</span></div>
      <div><span class="muted">Tax (${escapeHtml(country)}; charged for your billing country)</span><span data-testid="tax">${formatMoney(tax, currency)}</span></div>
      <div class="grand"><span>Total due today</span><span>${formatMoney(total, currency)}</span></div>
    </div>
  </div></section>
  <section class="pay"><div class="pay-inner">
    <h2 class="section-title">Pay with card</h2>
    <div class="muted small">Session <span class="mono">${escapeHtml(checkout.id)}</span></div>
    ${error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : ""}
    <form method="post" autocomplete="off" novalidate>
      <label for="email">Email</label>
      <input id="email" name="email" type="email" placeholder="you@example.com" value="${escapeHtml(email)}" ${checkout.customer_email ? "readonly" : "required"}>
      <label for="card_number">Card information <span class="brands"><span>VISA</span><span>MC</span><span>AMEX</span></span></label>
      <div class="card-box">
        <input id="card_number" name="card_number" inputmode="numeric" placeholder="1234 1234 1234 1234" value="${value("card_number")}" required>
        <div class="row"><input id="expiry" name="expiry" placeholder="MM / YY" value="${value("expiry", "12 / 34")}" required><input id="cvc" name="cvc" inputmode="numeric" placeholder="CVC" value="${value("cvc", "123")}" required></div>
      </div>
      <label for="name">Cardholder name</label>
      <input id="name" name="name" placeholder="Full name on card" value="${escapeHtml(form?.get("name") ?? checkout.customer_name ?? "")}">
      <label for="country">Country</label>
      <select id="country" name="country">${["US", "GB", "DE", "FR", "IN", "CA", "AU"].map((c) => `<option${(form?.get("country") ?? checkout.request.billing_address?.country ?? "US") === c ? " selected" : ""}>${c}</option>`).join("")}</select>
      <button class="btn pay-btn" type="submit" data-testid="pay">${escapeHtml(action)}</button>
    </form>
    <div class="hints"><b>Test cards</b> <span class="muted">(any future expiry, any CVC)</span>
      <div><span>Succeeds</span><button type="button" data-card="${TEST_CARDS.success}">4576 2389 1277 1450</button></div>
      <div><span>Declined</span><button type="button" data-card="${TEST_CARDS.declined}">4000 0000 0000 0002</button></div>
    </div>
    <div class="secure"><svg width="11" height="12" viewBox="0 0 11 12" aria-hidden="true" style="vertical-align:-1px"><rect x="1" y="5" width="9" height="7" rx="1.5" fill="#8792a2"/><path d="M3 5V3.5a2.5 2.5 0 0 1 5 0V5" stroke="#8792a2" stroke-width="1.4" fill="none"/></svg> Payments by <b>Dodo Payments</b> (local emulator)</div>
  </div></section>
</div>
<script>
document.querySelectorAll("[data-card]").forEach(function (b) {
  b.addEventListener("click", function () { document.getElementById("card_number").value = b.textContent; });
});
</script>`,
    CHECKOUT_CSS,
  );
}
