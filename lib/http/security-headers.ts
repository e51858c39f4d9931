/**
 * Security headers for every response. Pages get a Content-Security-Policy with a per-request nonce from proxy.ts
 * (Next.js puts the nonce on its own scripts when it finds it in the request's CSP header); API routes and
 * webhooks, which proxy.ts does not see, get a static deny-all CSP from next.config.ts. HSTS is decided at run
 * time from APP_URL (proxy.ts for pages, the server's request hook in client-address.ts for every response).
 * No imports: next.config.ts loads this file too.
 */

const HSTS = "max-age=63072000; includeSubDomains";

/** The HSTS value for a server whose public origin is `appUrl`: only over https (a plain-http dev server must stay reachable). */
export function hstsHeader(appUrl: string): string | undefined {
  return appUrl.startsWith("https:") ? HSTS : undefined;
}

/** Headers for every response; HSTS only when the public origin is https (a plain-http dev server must stay reachable). */
export function commonSecurityHeaders({ https }: { https: boolean }): Record<string, string> {
  return {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
    ...(https ? { "strict-transport-security": HSTS } : {}),
  };
}

/** JSON endpoints render nothing: nothing may load, nobody may frame them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** A page's policy: only this origin, and inline scripts only with this request's nonce. */
export function pageCsp(nonce: string, { dev }: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // 'strict-dynamic': scripts Next loads from a nonced script are trusted; dev mode's React needs eval.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'self'",
    // No form-action: the billing forms redirect to Dodo's hosted checkout and portal, which it would block.
    "frame-ancestors 'none'",
  ].join("; ");
}

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
}
