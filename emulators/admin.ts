import { z } from "zod";

import type { DodoEmulator } from "./dodo";
import { escapeHtml, formatDate, formatMoney, formatNumber, htmlPage } from "./dodo/html";
import { settingsSchema } from "./dodo/settings";
import { toSubscription } from "./dodo/shapes";

/**
 * The emulators' admin page at `/`: what the Dodo emulator holds and buttons for its control plane
 * (`/_emulator/dodo/...`, called with fetch), plus a link to the Resend inbox at `/inbox`.
 */
const ADMIN_CSS = `
.wrap{max-width:1180px;margin:0 auto;padding:28px 24px 60px}
header{display:flex;justify-content:space-between;align-items:center;gap:16px;flex-wrap:wrap}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(330px,1fr));gap:16px;margin-top:16px}
section.card{padding:16px 18px;margin-top:16px;overflow-x:auto}
section h2{font-size:16px;margin-bottom:10px}
.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.row input,.row select{width:auto;padding:6px 8px;font-size:13px}
.kv{display:grid;grid-template-columns:auto 1fr;gap:4px 14px;font-size:13.5px}
.setting{display:flex;justify-content:space-between;align-items:center;gap:10px;padding:5px 0;border-bottom:1px solid #f0f3f7;font-size:13px}
.setting select,.setting input[type=text]{width:auto;padding:4px 6px;font-size:12.5px}
.setting input[type=checkbox]{width:auto}
#toast{position:fixed;bottom:18px;right:18px;background:#1a1f36;color:#fff;padding:10px 14px;border-radius:8px;font-size:13px;display:none;max-width:420px}
`;

export function renderAdminPage(dodo: DodoEmulator): string {
  const state = dodo.engine.state;
  const customers = Object.values(state.customers).reverse();
  const subscriptions = Object.values(state.subscriptions).reverse();
  const checkouts = Object.values(state.checkouts)
    .filter((c) => c.status === "open")
    .reverse()
    .slice(0, 10);
  const deliveries = dodo.webhooks.deliveries.slice(-40).reverse();
  const held = new Set(dodo.webhooks.heldDeliveries.map((d) => d.id));
  const entitlements = Object.values(state.entitlements);
  const q = (v: unknown) => escapeHtml(JSON.stringify(v));

  const customerRows = customers
    .map((c) => {
      const balances = entitlements
        .map((e) => {
          const b = state.balances[`${e.id}/${c.customer_id}`];
          return b
            ? `<div><b>${formatNumber(b.balance)}</b> <span class="muted">${escapeHtml(e.unit)}</span>${b.overage !== "0" ? ` <span class="muted">(overage ${escapeHtml(b.overage)})</span>` : ""}</div>`
            : "";
        })
        .join("");
      const adjust = entitlements.length
        ? `<div class="row"><select id="ent-${escapeHtml(c.customer_id)}">${entitlements.map((e) => `<option value="${escapeHtml(e.id)}">${escapeHtml(e.name)}</option>`).join("")}</select>
           <input id="amt-${escapeHtml(c.customer_id)}" placeholder="+500 / -500" size="9">
           <button class="btn small secondary" onclick='adjust(${q(c.customer_id)})'>Adjust</button>
           <button class="btn small secondary" onclick='portal(${q(c.customer_id)})'>Portal</button></div>`
        : "";
      return `<tr><td><div>${escapeHtml(c.name)}</div><div class="muted small">${escapeHtml(c.email)}</div><div class="mono muted">${escapeHtml(c.customer_id)}</div></td><td>${balances || '<span class="muted">—</span>'}</td><td>${adjust}</td></tr>`;
    })
    .join("");

  const subscriptionRows = subscriptions
    .map((s) => {
      const sub = toSubscription(dodo.engine, s);
      const product = state.products[s.product_id];
      const live = s.status === "active" || s.status === "on_hold";
      return `<tr><td><div>${escapeHtml(product?.name ?? s.product_id)}</div><div class="mono muted">${escapeHtml(s.subscription_id)}</div></td>
        <td><span class="badge ${escapeHtml(s.status)}">${escapeHtml(s.status)}</span>${s.cancel_at_next_billing_date ? ' <span class="muted small">cancels at period end</span>' : ""}${s.fail_next_renewal ? ' <span class="badge on_hold">next renewal fails</span>' : ""}</td>
        <td>${escapeHtml(sub.customer.email)}</td><td>${formatDate(s.next_billing_date)}</td>
        <td><div class="row">${
          live
            ? `<button class="btn small" onclick='call("POST", "/subscriptions/" + ${q(s.subscription_id)} + "/renew")'>Advance to renewal</button>
          <button class="btn small secondary" onclick='call("POST", "/subscriptions/" + ${q(s.subscription_id)} + "/fail-next-renewal", {fail: ${!s.fail_next_renewal}})'>${s.fail_next_renewal ? "Let next renewal succeed" : "Fail next renewal"}</button>
          <button class="btn small danger" onclick='call("POST", "/subscriptions/" + ${q(s.subscription_id)} + "/cancel", {at_period_end: false})'>Cancel now</button>`
            : ""
        }</div></td></tr>`;
    })
    .join("");

  const checkoutRows = checkouts
    .map(
      (
        c,
      ) => `<tr><td class="mono">${escapeHtml(c.id)}</td><td>${escapeHtml(c.customer_email ?? "—")}</td><td>${formatDate(c.created_at)}</td>
      <td><div class="row"><a class="btn small secondary" href="/checkout/session/${escapeHtml(c.id)}" target="_blank">Open</a>
      <button class="btn small" onclick='complete(${q(c.id)}, "4576238912771450")'>Pay</button>
      <button class="btn small danger" onclick='complete(${q(c.id)}, "4000000000000002")'>Decline</button></div></td></tr>`,
    )
    .join("");

  const deliveryRows = deliveries
    .map((d) => {
      const last = d.attempts[d.attempts.length - 1];
      const state = held.has(d.id) ? "held" : d.state;
      return `<tr><td>${escapeHtml(d.type)}</td><td class="mono">${escapeHtml(d.id)}</td><td><span class="badge ${escapeHtml(state)}">${escapeHtml(state)}</span></td>
        <td>${d.attempts.length}${last ? ` <span class="muted small">(${escapeHtml(String(last.status ?? last.error ?? ""))})</span>` : ""}</td><td class="small">${escapeHtml(new Date(d.createdAt).toLocaleTimeString("en-GB"))}</td>
        <td><div class="row"><button class="btn small secondary" onclick='call("POST", "/webhooks/" + ${q(d.id)} + "/redeliver")'>Redeliver</button>
        <button class="btn small secondary" onclick='call("POST", "/webhooks/" + ${q(d.id)} + "/duplicate", {times: 2})'>Duplicate</button></div></td></tr>`;
    })
    .join("");

  const faultRows = dodo.faults
    .list()
    .map(
      (f) =>
        `<tr><td>${escapeHtml(f.method ?? "any")} ${escapeHtml(f.pathPrefix || "/")}</td><td>${f.status ?? ""}${f.hang ? "hang" : ""}${f.latencyMs ? ` +${f.latencyMs} ms` : ""}</td><td>${f.remaining ?? "∞"}</td><td>${f.until ? escapeHtml(new Date(f.until).toLocaleTimeString("en-GB")) : "—"}</td><td><button class="btn small secondary" onclick='call("DELETE", "/faults/${f.id}")'>Remove</button></td></tr>`,
    )
    .join("");

  const settings = Object.entries(settingsSchema.shape)
    .map(([key, schema]) => {
      const value = (dodo.settings as Record<string, unknown>)[key];
      let control: string;
      if (schema instanceof z.ZodEnum) {
        control = `<select onchange='setting(${q(key)}, this.value)'>${(schema.options as string[]).map((o) => `<option${o === value ? " selected" : ""}>${escapeHtml(o)}</option>`).join("")}</select>`;
      } else if (schema instanceof z.ZodBoolean) {
        control = `<input type="checkbox"${value ? " checked" : ""} onchange='setting(${q(key)}, this.checked)'>`;
      } else {
        control = `<input type="text" value="${escapeHtml(String(value))}" onchange='setting(${q(key)}, this.value)'>`;
      }
      return `<div class="setting"><span class="mono">${escapeHtml(key)}</span>${control}</div>`;
    })
    .join("");

  const products = Object.values(state.products)
    .map(
      (p) =>
        `<div><b>${escapeHtml(p.name ?? "")}</b> <span class="muted small">${formatMoney(p.price.type === "usage_based_price" ? p.price.fixed_price : p.price.price, p.price.currency)}${p.is_recurring ? " recurring" : " one-time"}</span> <span class="mono muted">${escapeHtml(p.product_id)}</span></div>`,
    )
    .join("");

  return htmlPage(
    "Emulators · MailKit",
    `<div class="wrap">
<header><div><h1 style="font-size:24px">Local emulators</h1><div class="muted">Dodo Payments API at <span class="mono">${escapeHtml(dodo.baseUrl)}</span> · emulator clock <b>${escapeHtml(dodo.now().toISOString().replace("T", " ").slice(0, 16))} UTC</b></div></div>
<div class="row"><a class="btn secondary" href="/inbox">Resend inbox →</a><button class="btn danger" onclick='if (confirm("Forget all emulator state?")) fetch("/_emulator/reset", {method: "POST"}).then(() => location.reload())'>Reset everything</button></div></header>

<div class="grid">
  <section class="card"><h2>Catalog</h2>${products || '<p class="muted">No products yet (npm run dodo:setup).</p>'}
    ${entitlements.map((e) => `<div class="small muted" style="margin-top:6px">Entitlement <b>${escapeHtml(e.name)}</b> · ${escapeHtml(e.unit)} · expires after ${e.expires_after_days ?? "∞"} days · rollover ${e.rollover_enabled ? "on" : "off"}</div>`).join("")}</section>
  <section class="card"><h2>Clock</h2><div class="row"><input id="days" type="number" value="30" min="0" style="width:80px"> days
    <button class="btn small" onclick='call("POST", "/clock/advance", {days: Number(document.getElementById("days").value)})'>Advance clock</button></div>
    <p class="muted small">Runs the renewals and expiries that fall due. Offset: ${Math.round(state.clockOffsetMs / 86_400_000)} days.</p></section>
  <section class="card"><h2>Faults</h2><div class="row">
    <select id="f-method"><option value="">any</option><option>GET</option><option>POST</option><option>PATCH</option></select>
    <input id="f-path" placeholder="/credit-entitlements" size="16"><input id="f-status" placeholder="status" size="5"><input id="f-count" placeholder="count" size="5">
    <input id="f-latency" placeholder="+ms" size="5"><label style="margin:0"><input id="f-hang" type="checkbox" style="width:auto"> hang</label>
    <button class="btn small" onclick="addFault()">Add</button></div>
    <div class="row" style="margin-top:8px">Global latency <input id="latency" value="${dodo.faults.baseLatencyMs}" size="5"> ms <button class="btn small secondary" onclick='call("PUT", "/latency", {ms: Number(document.getElementById("latency").value)})'>Set</button>
    <button class="btn small secondary" onclick='call("DELETE", "/faults")'>Clear all</button></div>
    <table style="margin-top:8px"><tbody>${faultRows || '<tr><td class="muted">No faults.</td></tr>'}</tbody></table></section>
</div>

<section class="card"><h2>Customers</h2><table><thead><tr><th>Customer</th><th>Balance</th><th>Adjust (like the dashboard)</th></tr></thead><tbody>${customerRows || '<tr><td colspan="3" class="muted">No customers yet.</td></tr>'}</tbody></table></section>
<section class="card"><h2>Subscriptions</h2><table><thead><tr><th>Plan</th><th>Status</th><th>Customer</th><th>Next billing</th><th></th></tr></thead><tbody>${subscriptionRows || '<tr><td colspan="5" class="muted">No subscriptions yet.</td></tr>'}</tbody></table></section>
<section class="card"><h2>Open checkouts</h2><table><tbody>${checkoutRows || '<tr><td class="muted">None.</td></tr>'}</tbody></table></section>
<section class="card"><h2>Webhooks <span class="muted small">→ ${escapeHtml(dodo.engine.config.webhookUrl)}</span></h2>
  <div class="row" style="margin-bottom:8px">${dodo.webhooks.paused ? `<span class="badge on_hold">paused · ${held.size} held</span><button class="btn small" onclick='call("POST", "/webhooks/resume", {order: "arrival"})'>Resume in order</button><button class="btn small secondary" onclick='call("POST", "/webhooks/resume", {order: "reverse"})'>Resume reversed</button>` : `<button class="btn small secondary" onclick='call("POST", "/webhooks/pause")'>Pause delivery</button>`}</div>
  <table><thead><tr><th>Type</th><th>webhook-id</th><th>State</th><th>Attempts</th><th>At</th><th></th></tr></thead><tbody>${deliveryRows || '<tr><td colspan="6" class="muted">No webhooks yet.</td></tr>'}</tbody></table></section>
<section class="card"><h2>Settings <span class="muted small">(assumptions for the unconfirmed points; see emulators/dodo/README.md)</span></h2>${settings}</section>
</div>
<div id="toast"></div>
<script>
function toast(text) { const t = document.getElementById("toast"); t.textContent = text; t.style.display = "block"; }
async function send(url, method, body, headers) {
  const res = await fetch(url, { method, headers: Object.assign({ "content-type": "application/json" }, headers || {}), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  if (!res.ok) { toast(res.status + " " + text); throw new Error(text); }
  return text ? JSON.parse(text) : null;
}
async function call(method, path, body) { await send("/_emulator/dodo" + path, method, body); location.reload(); }
async function setting(key, value) { await send("/_emulator/dodo/settings", "PATCH", { [key]: value }); toast("Saved " + key); }
async function adjust(customer) {
  const amount = document.getElementById("amt-" + customer).value.trim();
  const entitlement = document.getElementById("ent-" + customer).value;
  await call("POST", "/balances/adjust", { customer_id: customer, credit_entitlement_id: entitlement, amount, reason: "Manual adjustment (admin page)" });
}
async function portal(customer) { const r = await send("/_emulator/dodo/customers/" + customer + "/portal", "POST", {}); window.open(r.link, "_blank"); }
async function complete(id, card) { const r = await send("/_emulator/dodo/checkouts/" + id + "/complete", "POST", { card }); toast(r.status + (r.redirect_url ? " → " + r.redirect_url : "")); setTimeout(() => location.reload(), 900); }
async function addFault() {
  const v = (id) => document.getElementById(id).value.trim();
  const fault = { pathPrefix: v("f-path") };
  if (v("f-method")) fault.method = v("f-method");
  if (v("f-status")) fault.status = Number(v("f-status"));
  if (v("f-count")) fault.count = Number(v("f-count"));
  if (v("f-latency")) fault.latencyMs = Number(v("f-latency"));
  if (document.getElementById("f-hang").checked) fault.hang = true;
  await call("POST", "/faults", fault);
}
</script>`,
    ADMIN_CSS,
  );
}
