import { escapeHtml } from "../shared/http";

/** Shared look of the hosted pages (checkout, portal) and the admin page: inline CSS, no external assets. */
export const BASE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1f36;background:#f6f8fb}
a{color:#4f46e5;text-decoration:none}a:hover{text-decoration:underline}
.test-banner{background:#fff4e5;color:#8a4b00;border-bottom:1px solid #ffd8a8;text-align:center;font-size:12.5px;padding:6px 12px;letter-spacing:.02em}
.test-banner b{font-weight:600}
h1,h2,h3{margin:0;font-weight:600;letter-spacing:-.01em}
.muted{color:#697386}.small{font-size:13px}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
.card{background:#fff;border:1px solid #e3e8ee;border-radius:12px;box-shadow:0 1px 2px rgba(16,24,40,.04)}
label{display:block;font-size:13px;font-weight:500;color:#3c4257;margin:14px 0 6px}
input,select{width:100%;font:inherit;padding:10px 12px;border:1px solid #d5dbe1;border-radius:8px;background:#fff;color:#1a1f36;outline:none;transition:border-color .15s,box-shadow .15s}
input:focus,select:focus{border-color:#6366f1;box-shadow:0 0 0 3px rgba(99,102,241,.18)}
input[readonly]{background:#f6f8fb;color:#4f566b}
.btn{display:inline-flex;align-items:center;justify-content:center;gap:8px;font:inherit;font-weight:600;border:0;border-radius:8px;padding:11px 16px;cursor:pointer;background:#4f46e5;color:#fff;transition:background .15s}
.btn:hover{background:#4338ca;text-decoration:none}
.btn.secondary{background:#fff;color:#1a1f36;border:1px solid #d5dbe1}.btn.secondary:hover{background:#f6f8fb}
.btn.danger{background:#fff;color:#c0123c;border:1px solid #f3c2cd}.btn.danger:hover{background:#fff5f7}
.btn.small{padding:6px 10px;font-size:13px;font-weight:500}
.badge{display:inline-block;padding:2px 8px;border-radius:999px;font-size:12px;font-weight:600;background:#eef2ff;color:#4338ca}
.badge.active,.badge.succeeded,.badge.delivered{background:#e6f6ec;color:#0e6245}
.badge.on_hold,.badge.pending{background:#fff4e5;color:#8a4b00}
.badge.cancelled,.badge.failed,.badge.expired{background:#fdecee;color:#a41c4e}
table{width:100%;border-collapse:collapse;font-size:13.5px}
th{text-align:left;font-weight:600;color:#697386;font-size:12px;text-transform:uppercase;letter-spacing:.04em;padding:8px 10px;border-bottom:1px solid #e3e8ee}
td{padding:9px 10px;border-bottom:1px solid #f0f3f7;vertical-align:top}
tr:last-child td{border-bottom:0}
.error{background:#fdecee;color:#a41c4e;border:1px solid #f7c5cf;border-radius:8px;padding:10px 12px;font-size:14px;margin-top:14px}
`;

export function htmlPage(title: string, body: string, extraCss = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${BASE_CSS}${extraCss}</style></head>
<body>${body}</body></html>`;
}

export function formatMoney(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleDateString("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

export function formatNumber(value: string): string {
  const [whole = "0", fraction] = value.split(".");
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") + (fraction ? `.${fraction}` : "");
}

export const intervalLabel = (count: number, interval: string): string =>
  count === 1 ? interval.toLowerCase() : `${count} ${interval.toLowerCase()}s`;

export { escapeHtml };
