import type { IncomingMessage, ServerResponse } from "node:http";

import { matchPath, redirect, sendHtml } from "../shared/http";
import { updateSubscription } from "./billing";
import { balanceOf, expireDue } from "./credits";
import type { DodoEngine } from "./engine";
import { ApiError } from "./errors";
import { escapeHtml, formatDate, formatMoney, formatNumber, htmlPage, intervalLabel } from "./html";
import { balanceKey, type PortalSession } from "./state";

/**
 * The hosted customer portal (`link` from the portal session): subscriptions with status and next billing
 * date, a "cancel at period end" button (PATCH semantics + subscription.updated), credit balances and the
 * recent ledger, and a link back to `return_url`.
 */
export async function handlePortalPage(
  engine: DodoEngine,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<boolean> {
  const view = matchPath("/portal/:token", path);
  const action = matchPath("/portal/:token/subscriptions/:subscription/:action", path);
  const token = view?.token ?? action?.token;
  if (!token) return false;
  const session = engine.state.portalSessions[token];
  if (!session || Date.parse(session.expires_at) < engine.nowMs()) {
    sendHtml(
      res,
      410,
      htmlPage(
        "Link expired",
        `<div style="max-width:440px;margin:14vh auto;text-align:center" class="card"><div style="padding:32px"><h1 style="font-size:20px">This link has expired</h1><p class="muted">Ask for a new customer portal link.</p></div></div>`,
      ),
    );
    return true;
  }
  if (view && req.method === "GET") {
    sendHtml(res, 200, renderPortal(engine, token, session));
    return true;
  }
  if (action && req.method === "POST") {
    const sub = engine.state.subscriptions[action.subscription!];
    if (!sub || sub.customer_id !== session.customer_id) {
      sendHtml(res, 404, htmlPage("Not found", "<p>Subscription not found.</p>"));
      return true;
    }
    try {
      if (action.action === "cancel")
        updateSubscription(engine, sub.subscription_id, {
          cancel_at_next_billing_date: true,
          cancel_reason: "cancelled_by_customer",
        });
      else if (action.action === "resume")
        updateSubscription(engine, sub.subscription_id, { cancel_at_next_billing_date: false });
      else return false;
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
    redirect(res, `/portal/${token}`);
    return true;
  }
  return false;
}

function renderPortal(engine: DodoEngine, token: string, session: PortalSession): string {
  const customer = engine.state.customers[session.customer_id]!;
  const subs = Object.values(engine.state.subscriptions)
    .filter((s) => s.customer_id === customer.customer_id)
    .reverse();
  const subsHtml = subs.length
    ? subs
        .map((s) => {
          const product = engine.state.products[s.product_id];
          const live = s.status === "active" || s.status === "on_hold";
          const button = !live
            ? ""
            : s.cancel_at_next_billing_date
              ? `<form method="post" action="/portal/${escapeHtml(token)}/subscriptions/${escapeHtml(s.subscription_id)}/resume"><button class="btn secondary small" data-testid="resume">Keep my subscription</button></form>`
              : `<form method="post" action="/portal/${escapeHtml(token)}/subscriptions/${escapeHtml(s.subscription_id)}/cancel"><button class="btn danger small" data-testid="cancel">Cancel at period end</button></form>`;
          const when =
            s.cancel_at_next_billing_date && live
              ? `Cancels on ${formatDate(s.next_billing_date)}`
              : live
                ? `Next billing date ${formatDate(s.next_billing_date)}`
                : s.cancelled_at
                  ? `Cancelled on ${formatDate(s.cancelled_at)}`
                  : "";
          return `<div class="card" style="padding:18px 20px;margin-top:12px;display:flex;justify-content:space-between;gap:16px;align-items:center">
            <div><div style="font-weight:600">${escapeHtml(product?.name ?? s.product_id)} <span class="badge ${escapeHtml(s.status)}" data-testid="status">${escapeHtml(s.status)}</span></div>
            <div class="muted small">${formatMoney(s.recurring_pre_tax_amount, s.currency)} / ${escapeHtml(intervalLabel(s.payment_frequency_count, s.payment_frequency_interval))} · <span data-testid="next-billing">${escapeHtml(when)}</span></div>
            <div class="muted small mono">${escapeHtml(s.subscription_id)}</div></div>${button}</div>`;
        })
        .join("")
    : `<p class="muted">No subscriptions.</p>`;

  const credits = Object.values(engine.state.entitlements)
    .map((e) => {
      expireDue(engine, e.id, customer.customer_id);
      const b = balanceOf(engine, e.id, customer.customer_id);
      if (!b) return "";
      const entries = (engine.state.ledger[balanceKey(e.id, customer.customer_id)] ?? []).slice(-10).reverse();
      const rows = entries
        .map(
          (x) =>
            `<tr><td>${formatDate(x.created_at)}</td><td>${escapeHtml(x.description ?? x.transaction_type)}</td><td class="mono">${escapeHtml(x.transaction_type)}</td><td style="text-align:right;color:${x.is_credit ? "#0e6245" : "#a41c4e"}">${x.is_credit ? "+" : "−"}${formatNumber(x.amount)}</td><td style="text-align:right">${formatNumber(x.balance_after)}</td></tr>`,
        )
        .join("");
      return `<div class="card" style="padding:18px 20px;margin-top:12px">
        <div style="display:flex;justify-content:space-between;align-items:baseline"><div style="font-weight:600">${escapeHtml(e.name)}</div>
        <div><span style="font-size:24px;font-weight:650" data-testid="balance">${formatNumber(b.balance)}</span> <span class="muted">${escapeHtml(e.unit)}</span></div></div>
        <table style="margin-top:10px"><thead><tr><th>Date</th><th>Description</th><th>Type</th><th style="text-align:right">Amount</th><th style="text-align:right">Balance</th></tr></thead><tbody>${rows}</tbody></table></div>`;
    })
    .join("");

  const payments = Object.values(engine.state.payments)
    .filter((p) => p.customer.customer_id === customer.customer_id)
    .slice(-5)
    .reverse()
    .map(
      (p) =>
        `<tr><td>${formatDate(p.created_at)}</td><td>${formatMoney(p.total_amount, p.currency)}</td><td><span class="badge ${escapeHtml(p.status ?? "")}">${escapeHtml(p.status ?? "")}</span></td><td class="mono">${escapeHtml(p.payment_id)}</td></tr>`,
    )
    .join("");

  return htmlPage(
    "Customer portal · Dodo Payments",
    `<div class="test-banner"><b>TEST MODE</b> · Dodo Payments emulator</div>
<div style="max-width:760px;margin:40px auto;padding:0 20px">
  ${session.return_url ? `<a href="${escapeHtml(session.return_url)}" data-testid="return">← Return to the app</a>` : ""}
  <h1 style="font-size:26px;margin-top:14px">Billing</h1>
  <div class="muted">${escapeHtml(customer.name)} · ${escapeHtml(customer.email)}</div>
  <h2 style="font-size:17px;margin-top:30px">Subscriptions</h2>${subsHtml}
  <h2 style="font-size:17px;margin-top:30px">Credits</h2>${credits || `<p class="muted">No credits yet.</p>`}
  <h2 style="font-size:17px;margin-top:30px">Payments</h2>
  <div class="card" style="padding:8px 10px;margin-top:12px"><table><thead><tr><th>Date</th><th>Amount</th><th>Status</th><th>ID</th></tr></thead><tbody>${payments || `<tr><td colspan="4" class="muted">No payments.</td></tr>`}</tbody></table></div>
</div>`,
  );
}
