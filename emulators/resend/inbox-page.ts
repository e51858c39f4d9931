import { escapeHtml as e } from "../shared/http";
import type { Delivery } from "../shared/webhooks";
import type { StoredDomain } from "./domains";
import type { InboxMessage, LastEvent, TimelineEvent } from "./types";

/**
 * The local inbox: every email the app "sent", newest first, and a detail view. The email HTML is shown in a
 * sandboxed iframe (no scripts, no same-origin access), with `<base target="_top">` and top navigation on
 * click allowed, so a person can follow a magic sign-in link from it. Inline CSS only, no external assets.
 */

const BADGE: Record<LastEvent, string> = {
  queued: "gray",
  scheduled: "blue",
  sent: "gray",
  delivered: "green",
  delivery_delayed: "amber",
  opened: "green",
  clicked: "green",
  bounced: "red",
  failed: "red",
  suppressed: "red",
  complained: "amber",
  canceled: "gray",
};

const STYLE = `
:root{--bg:#f6f7f9;--card:#fff;--text:#111827;--muted:#6b7280;--line:#e5e7eb;--accent:#111827;--link:#2563eb}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:14px/1.5 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}
header{background:var(--accent);color:#fff}header .in{display:flex;align-items:center;gap:12px;max-width:1120px;margin:0 auto;padding:14px 24px}
header b{font-size:15px;letter-spacing:.2px}header span{color:#9ca3af;font-size:13px}header a{color:#fff}
main{max-width:1120px;margin:0 auto;padding:24px}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;overflow:hidden;margin-bottom:16px}
.card h2{font-size:13px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0;padding:12px 16px;border-bottom:1px solid var(--line)}
.card .body{padding:14px 16px}
form.search{display:flex;gap:8px;margin-bottom:16px}
form.search input{flex:1;padding:10px 12px;border:1px solid var(--line);border-radius:8px;font:inherit;background:#fff}
form.search button{padding:10px 16px;border:0;border-radius:8px;background:var(--accent);color:#fff;font:inherit;cursor:pointer}
.row{display:grid;grid-template-columns:minmax(160px,1.1fr) 2fr 110px 150px;gap:16px;align-items:center;padding:12px 16px;border-top:1px solid var(--line);color:inherit}
.row:first-child{border-top:0}.row:hover{background:#f9fafb;text-decoration:none}
.row .to{font-weight:600;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.row .subject{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}.row .from{color:var(--muted);font-size:12px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.muted{color:var(--muted)}.small{font-size:12px}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;font-size:12px;font-weight:600;white-space:nowrap}
.badge.gray{background:#f3f4f6;color:#374151}.badge.green{background:#dcfce7;color:#166534}.badge.red{background:#fee2e2;color:#991b1b}
.badge.amber{background:#fef3c7;color:#92400e}.badge.blue{background:#dbeafe;color:#1e40af}
.empty{padding:40px 16px;text-align:center;color:var(--muted)}
h1{font-size:22px;margin:4px 0 16px;display:flex;gap:12px;align-items:center;flex-wrap:wrap}
dl.meta{display:grid;grid-template-columns:112px minmax(0,1fr);gap:6px 16px;margin:0}dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;word-break:break-word}
.chip{display:inline-block;background:#f3f4f6;border-radius:6px;padding:1px 8px;margin:0 6px 4px 0;font-size:12px}
iframe.preview{display:block;width:100%;height:560px;border:0;background:#fff;resize:vertical}
pre{margin:0;white-space:pre-wrap;word-break:break-word;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
ol.links{margin:0;padding-left:20px}ol.links li{margin:4px 0;word-break:break-all}
table.kv{border-collapse:collapse;width:100%}table.kv td{padding:6px 8px;border-top:1px solid var(--line);vertical-align:top}table.kv tr:first-child td{border-top:0}
table.kv td:first-child{color:var(--muted);width:40%;word-break:break-all}table.kv td{word-break:break-word}
ul.timeline{list-style:none;margin:0;padding:0}ul.timeline li{padding:10px 0 10px 14px;border-left:2px solid var(--line);position:relative}
ul.timeline li::before{content:"";position:absolute;left:-5px;top:15px;width:8px;height:8px;border-radius:50%;background:var(--accent)}
ul.timeline .head{display:flex;justify-content:space-between;gap:8px;flex-wrap:wrap}
.grid{display:grid;grid-template-columns:minmax(0,1.75fr) minmax(0,1fr);gap:16px}@media(max-width:900px){.grid{grid-template-columns:1fr}.row{grid-template-columns:1fr}}
button.act{padding:6px 10px;border:1px solid var(--line);border-radius:8px;background:#fff;color:var(--text);font:inherit;font-size:13px;cursor:pointer}button.act:hover{background:#f3f4f6}
details summary{cursor:pointer;padding:12px 16px;color:var(--muted);font-size:13px}
`;

// Shows times in the reader's time zone; the server renders UTC as a fallback.
const TIME_SCRIPT = `document.querySelectorAll("time[datetime]").forEach(function(t){var d=new Date(t.getAttribute("datetime"));if(!isNaN(d))t.textContent=d.toLocaleString();});`;

function layout(title: string, body: string, script = ""): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(title)}</title><style>${STYLE}</style></head><body>
<header><div class="in"><a href="/inbox"><b>MailKit inbox</b></a><a href="/inbox/domains">Domains</a><span>Resend emulator · local mode · nothing here leaves this machine</span></div></header>
<main>${body}</main><script>${TIME_SCRIPT}${script}</script></body></html>`;
}

function time(iso: string | null): string {
  if (!iso) return "—";
  return `<time datetime="${e(iso)}">${e(iso.replace("T", " ").replace(/\.\d+Z$/, " UTC"))}</time>`;
}

function badge(event: LastEvent): string {
  return `<span class="badge ${BADGE[event] ?? "gray"}">${e(event)}</span>`;
}

function list(values: string[] | null): string {
  return values?.length ? values.map(e).join(", ") : `<span class="muted">—</span>`;
}

export function renderInbox(messages: InboxMessage[], options: { q: string; total: number }): string {
  const rows = messages
    .map(
      (m) => `<a class="row" href="/inbox/${encodeURIComponent(m.id)}">
  <div class="to" title="${e(m.to.join(", "))}">${e(m.to.join(", "))}</div>
  <div><div class="subject">${e(m.subject)}</div><div class="from">${e(m.from)}</div></div>
  <div>${badge(m.last_event)}</div>
  <div class="small muted">${time(m.created_at)}</div>
</a>`,
    )
    .join("\n");
  const empty = options.q
    ? `No email to a recipient matching “${e(options.q)}”.`
    : "No email yet. Anything the app sends through the Resend SDK in local mode shows up here.";
  const count = options.q
    ? `${messages.length} of ${options.total} emails`
    : `${options.total} email${options.total === 1 ? "" : "s"}`;
  const newest = messages[0]?.id ?? "";
  // Reload when a new email arrives (only while no search is being typed).
  const poll = `var newest=${JSON.stringify(newest)};setInterval(function(){if(document.activeElement&&document.activeElement.name==="q")return;fetch("/_emulator/resend/messages?limit=1").then(function(r){return r.json()}).then(function(j){var id=j.data[0]?j.data[0].id:"";if(id!==newest)location.reload();}).catch(function(){});},2000);`;
  return layout(
    "Inbox · MailKit",
    `<form class="search" method="get" action="/inbox"><input name="q" value="${e(options.q)}" placeholder="Filter by recipient (part of an address)" autocomplete="off"><button>Filter</button>${options.q ? ` <a href="/inbox" style="align-self:center">Clear</a>` : ""}</form>
<p class="small muted">${count}, newest first</p>
<div class="card">${rows || `<div class="empty">${empty}</div>`}</div>`,
    poll,
  );
}

/** Inserts `<base target="_top">` so links leave the frame (on a click) instead of loading inside it. */
export function withBaseTarget(html: string): string {
  const base = `<base target="_top">`;
  if (/<head(\s[^>]*)?>/i.test(html)) return html.replace(/<head(\s[^>]*)?>/i, (m) => `${m}${base}`);
  if (/<html(\s[^>]*)?>/i.test(html)) return html.replace(/<html(\s[^>]*)?>/i, (m) => `${m}<head>${base}</head>`);
  return `<!doctype html><html><head><meta charset="utf-8">${base}</head><body>${html}</body></html>`;
}

function timelineItem(event: TimelineEvent, deliveries: Map<string, Delivery>): string {
  const delivery = event.webhook_id ? deliveries.get(event.webhook_id) : undefined;
  const webhook = delivery
    ? `webhook ${e(delivery.state)}${delivery.attempts.length ? ` · ${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? "" : "s"}, last ${e(delivery.attempts.at(-1)?.status ?? delivery.attempts.at(-1)?.error ?? "")}` : ""} · <span class="mono">${e(delivery.id)}</span>`
    : event.type === "email.canceled"
      ? ""
      : "no webhook sent (no endpoint configured)";
  const detail = event.bounce?.message ?? event.suppressed?.message ?? "";
  return `<li><div class="head"><b>${e(event.type)}</b><span class="small muted">${time(event.created_at)}</span></div>
<div class="small">${e(event.to.join(", "))}</div>${detail ? `<div class="small muted">${e(detail)}</div>` : ""}${webhook ? `<div class="small muted">${webhook}</div>` : ""}</li>`;
}

export function renderMessage(m: InboxMessage, deliveries: Map<string, Delivery>): string {
  const tags = m.tags?.length
    ? m.tags.map((t) => `<span class="chip">${e(t.name)}: ${e(t.value)}</span>`).join("")
    : `<span class="muted">—</span>`;
  const preview = m.html
    ? `<iframe class="preview" title="Email preview" sandbox="allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation" referrerpolicy="no-referrer" srcdoc="${e(withBaseTarget(m.html))}"></iframe>`
    : `<div class="body"><pre>${e(m.text ?? "")}</pre></div>`;
  const links = m.links.length
    ? `<ol class="links">${m.links.map((href) => `<li><a href="${e(href)}" rel="noreferrer">${e(href)}</a></li>`).join("")}</ol>`
    : `<span class="muted">No links in this email.</span>`;
  const headers =
    m.headers && Object.keys(m.headers).length
      ? `<table class="kv">${Object.entries(m.headers)
          .map(([k, v]) => `<tr><td class="mono">${e(k)}</td><td class="mono">${e(v)}</td></tr>`)
          .join("")}</table>`
      : `<span class="muted">No custom headers.</span>`;
  const attachments = m.attachments?.length
    ? `<div class="card"><h2>Attachments</h2><div class="body">${m.attachments.map((a) => `<div>${e(a.filename ?? a.path ?? "attachment")} <span class="muted small">${e(a.content_type ?? "")}${a.size !== null ? ` · ${a.size} bytes` : ""}</span></div>`).join("")}</div></div>`
    : "";
  const timeline = m.events.length
    ? `<ul class="timeline">${m.events.map((ev) => timelineItem(ev, deliveries)).join("")}</ul>`
    : `<span class="muted">No events yet.</span>`;
  const seen = m.events.length;
  const poll = `var seen=${seen};setInterval(function(){fetch("/_emulator/resend/messages/${encodeURIComponent(m.id)}").then(function(r){return r.json()}).then(function(j){if(j.data&&j.data.events.length!==seen)location.reload();}).catch(function(){});},2000);`;

  return layout(
    `${m.subject} · MailKit inbox`,
    `<p class="small"><a href="/inbox">← All emails</a></p>
<h1>${e(m.subject)} ${badge(m.last_event)}</h1>
<div class="grid"><div>
<div class="card"><h2>Preview</h2>${preview}</div>
<div class="card"><h2>Links in this email</h2><div class="body">${links}</div></div>
<div class="card"><h2>Text part</h2><div class="body"><pre>${m.text === null ? `<span class="muted">No text part.</span>` : e(m.text)}</pre></div></div>
${m.html ? `<div class="card"><details><summary>HTML source</summary><div class="body"><pre>${e(m.html)}</pre></div></details></div>` : ""}
</div><div>
<div class="card"><h2>Details</h2><div class="body"><dl class="meta">
<dt>From</dt><dd>${e(m.from)}</dd><dt>To</dt><dd>${list(m.to)}</dd><dt>Cc</dt><dd>${list(m.cc)}</dd><dt>Bcc</dt><dd>${list(m.bcc)}</dd>
<dt>Reply-To</dt><dd>${list(m.reply_to)}</dd><dt>Created</dt><dd>${time(m.created_at)}</dd><dt>Scheduled</dt><dd>${time(m.scheduled_at)}</dd>
<dt>Email ID</dt><dd class="mono">${e(m.id)}</dd><dt>Message-ID</dt><dd class="mono">${e(m.message_id)}</dd>
<dt>Idempotency key</dt><dd class="mono">${m.idempotency_key ? e(m.idempotency_key) : `<span class="muted">—</span>`}</dd>
<dt>API key</dt><dd class="mono">${e(m.api_key)}</dd><dt>Tags</dt><dd>${tags}</dd>
</dl></div></div>
<div class="card"><h2>Delivery events</h2><div class="body">${timeline}</div></div>
<div class="card"><h2>Headers</h2><div class="body">${headers}</div></div>
${attachments}
<p class="small"><a href="/_emulator/resend/messages/${encodeURIComponent(m.id)}">View as JSON</a></p>
</div></div>`,
    poll,
  );
}

export function renderNotFound(id: string): string {
  return layout(
    "Not found · MailKit inbox",
    `<p class="small"><a href="/inbox">← All emails</a></p><div class="card"><div class="empty">No email with id <span class="mono">${e(id)}</span>. It may have been cleared by a reset.</div></div>`,
  );
}

const DOMAIN_BADGE: Record<string, string> = {
  not_started: "gray",
  pending: "amber",
  verified: "green",
  failed: "red",
  temporary_failure: "amber",
};

/**
 * The sender domains of the emulated Resend team, with their simulated DNS: "Publish records" and "Break records"
 * stand in for the customer's DNS provider (POST /_emulator/resend/domains/{name}/publish | break).
 */
export function renderDomains(domains: StoredDomain[], enforcing: boolean): string {
  const rows = domains
    .slice()
    .reverse()
    .map(
      (d) => `<div class="row" style="grid-template-columns:minmax(160px,1.2fr) 1fr 1fr auto">
  <div><div class="to">${e(d.name)}</div><div class="from mono">${e(d.id)}</div></div>
  <div><span class="badge ${DOMAIN_BADGE[d.status] ?? "gray"}">${e(d.status)}</span></div>
  <div class="muted small">DNS: ${e(d.dns)}${d.checking ? " · checking…" : ""} · ${e(d.region)}</div>
  <div style="display:flex;gap:8px">
    <button class="act" data-name="${e(d.name)}" data-action="publish">Publish records</button>
    <button class="act" data-name="${e(d.name)}" data-action="break">Break records</button>
  </div>
</div>`,
    )
    .join("");
  const body = `<h1>Domains <span class="badge ${enforcing ? "green" : "gray"}">verified from ${enforcing ? "enforced" : "not enforced"}</span></h1>
<div class="card">${rows || '<div class="empty">No domains yet. Add one in MailKit (Dashboard → Domains).</div>'}</div>
<p class="muted small">Publishing a domain that is being verified (or failed) turns it verified; breaking the records of a
verified or pending domain fails it. Each change sends a signed <code>domain.updated</code> webhook.</p>`;
  const script = `document.querySelectorAll("button.act").forEach(function(b){b.addEventListener("click",function(){
fetch("/_emulator/resend/domains/"+encodeURIComponent(b.dataset.name)+"/"+b.dataset.action,{method:"POST"})
.then(function(){setTimeout(function(){location.reload()},150)})})});`;
  return layout("Domains · Resend emulator", body, script);
}
