import { NextRequest, type NextFetchEvent } from "next/server";
import { afterEach, describe, expect, it } from "vitest";

import nextConfig from "@/next.config";
import { config, proxy } from "@/proxy";
import { resetEnvForTests } from "@/lib/env";

/**
 * Issue 9: security headers on every page and route, 404 instead of Next's 500 for malformed paths, 403 for
 * cross-origin server actions, and streaming routes kept out of the proxy (Next buffers the bodies it matches).
 */

const event = {} as NextFetchEvent;
const run = (url: string, init: ConstructorParameters<typeof NextRequest>[1] = {}) =>
  proxy(new NextRequest(url, init), event);

afterEach(() => {
  process.env.APP_URL = "http://localhost:3000";
  resetEnvForTests();
});

describe("proxy.ts", () => {
  it("gives each page a CSP with a fresh nonce (also passed to Next.js in the request) and the common headers", async () => {
    const first = await run("http://localhost:3000/signin");
    const second = await run("http://localhost:3000/signin");
    const csp = first.headers.get("content-security-policy")!;
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{16,}' 'strict-dynamic'/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toBe(second.headers.get("content-security-policy"));
    // NextResponse.next({ request: { headers } }) forwards overridden request headers like this.
    expect(first.headers.get("x-middleware-request-content-security-policy")).toBe(csp);
    expect(Object.fromEntries(first.headers)).toMatchObject({
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
      "permissions-policy": expect.stringContaining("camera=()"),
    });
    expect(first.headers.get("strict-transport-security")).toBeNull();
  });

  it("adds HSTS only when APP_URL is https", async () => {
    process.env.APP_URL = "https://mailkit.example";
    resetEnvForTests();
    const response = await run("https://mailkit.example/");
    expect(response.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
  });

  it.each(["/api/emails/%FF", "/%FF", "/dashboard/%E0%A4%A", "/signin/%C0"])(
    "answers a malformed path %s with 404 JSON (Next.js would answer 500)",
    async (path) => {
      const response = await run(`http://localhost:3000${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404, name: "not_found" });
    },
  );

  it("refuses a cross-origin server action POST with 403 (Next.js would answer 500)", async () => {
    const post = (origin: string, headers: Record<string, string> = {}) =>
      run("http://localhost:3000/dashboard/keys", {
        method: "POST",
        headers: { origin, host: "localhost:3000", "next-action": "abc123", ...headers },
        body: "[]",
      });
    expect((await post("https://evil.example")).status).toBe(403);
    expect((await post("null")).status).toBe(403);
    expect((await post("https://evil.example", { "x-forwarded-host": "mailkit.example" })).status).toBe(403);
    // Same origin passes through (here to the sign-in redirect of the dashboard).
    expect((await post("http://localhost:3000")).status).not.toBe(403);
  });

  it("keeps route handlers that read bodies out of its matcher (Next.js would buffer them), pages and GET /api/emails/{id} in", () => {
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    const outside = [
      "/api/webhooks/dodo",
      "/api/webhooks/resend",
      "/api/emails",
      "/api/emails/batch",
      "/api/auth/signin/resend",
      "/api/checkout/topup",
      "/api/billing/portal",
      "/_next/static/x.js",
    ];
    for (const path of outside) expect(matcher.test(path), path).toBe(false);
    for (const path of ["/", "/signin", "/dashboard/keys", "/api/emails/abc", "/api/emails/%FF", "/api/emails/%00"])
      expect(matcher.test(path), path).toBe(true);
  });
});

describe("next.config.ts headers", () => {
  it("gives every route (the ones outside the proxy included) the common headers, and API routes a deny-all CSP", async () => {
    const rules = await nextConfig.headers!();
    const all = rules.find((r) => r.source === "/:path*")!;
    expect(Object.fromEntries(all.headers.map((h) => [h.key, h.value]))).toMatchObject({
      "x-frame-options": "DENY",
      "x-content-type-options": "nosniff",
      "referrer-policy": "strict-origin-when-cross-origin",
    });
    const api = rules.find((r) => r.source === "/api/:path*")!;
    expect(api.headers).toContainEqual({
      key: "content-security-policy",
      value: expect.stringContaining("frame-ancestors 'none'"),
    });
  });
});
