import { NextRequest, type NextFetchEvent } from "next/server";
import { afterEach, describe, expect, it } from "vitest";

import http from "node:http";
import type { AddressInfo } from "node:net";

import nextConfig from "@/next.config";
import { recordSocketAddresses } from "@/lib/http/client-address";
import { config, NOT_FOUND_PATH, proxy } from "@/proxy";
import { resetEnvForTests } from "@/lib/env";

/**
 * Security headers on every page and route, 404 instead of Next's 500 for malformed paths, 403 for
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

  it.each([
    "/api/emails/%FF",
    "/api/domains/%FF",
    "/api/domains/%FF/verify",
    "/api/webhooks/%FF",
    "/api/webhooks/%C0/rotate",
    "/api/suppressions/%FF",
    "/api/suppressions/a%00b",
    "/api/emails/%ED%A0%80",
  ])("answers a malformed API path %s with 404 JSON (Next.js would answer 500)", async (path) => {
    const response = await run(`http://localhost:3000${path}`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ statusCode: 404, name: "not_found" });
  });

  it.each(["/%FF", "/dashboard/%E0%A4%A", "/dashboard/messages/%00", "/signin/%C0"])(
    "shows the 404 page for a malformed page path %s (tests/e2e/malformed-paths.spec.ts sees its status)",
    async (path) => {
      const response = await run(`http://localhost:3000${path}`);
      expect(response.headers.get("x-middleware-rewrite")).toBe(`http://localhost:3000${NOT_FOUND_PATH}`);
      expect(response.headers.get("content-security-policy")).toMatch(/'nonce-/);
    },
  );

  it.each([
    "/dashboard/suppressions?q=%00",
    "/dashboard/billing/return?payment_id=%00",
    "/dashboard/messages?status=sent&page=%00",
    "/signin?callbackUrl=%00",
  ])("answers a page whose query string carries NUL or a lone surrogate (%s) with 400 JSON", async (path) => {
    const response = await run(`http://localhost:3000${path}`);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: "invalid_parameter" });
  });

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
    // Same origin passes on to the action, which reads the session itself (no sign-in redirect here: with the
    // database unavailable, Auth.js would answer "signed out" and the action could not say "try again").
    const sameOrigin = await post("http://localhost:3000");
    expect(sameOrigin.status).toBe(200);
    expect(sameOrigin.headers.get("x-middleware-next")).toBe("1");
    expect(sameOrigin.headers.get("location")).toBeNull();
  });

  it("keeps route handlers out of its matcher (Next.js would buffer their bodies), pages and API paths with % in", () => {
    const matcher = new RegExp(`^${config.matcher[0]}$`);
    const outside = [
      "/api/webhooks/dodo",
      "/api/webhooks/resend",
      "/api/emails",
      "/api/emails/batch",
      "/api/auth/signin/resend",
      "/api/checkout/topup",
      "/api/billing/portal",
      "/api/emails/abc",
      "/api/domains/d_1/verify",
      "/_next/static/x.js",
    ];
    for (const path of outside) expect(matcher.test(path), path).toBe(false);
    const inside = ["/", "/signin", "/dashboard/keys", "/api/emails/%FF", "/api/emails/%00", "/api/domains/%FF/verify"];
    for (const path of [...inside, "/api/webhooks/%C0", "/api/suppressions/a%40b.com"])
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

describe("HSTS is decided at run time", () => {
  async function headOf(): Promise<Headers> {
    recordSocketAddresses();
    const server = http.createServer((_req, res) => res.end("{}"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      return (await fetch(`http://127.0.0.1:${port}/api/webhooks/resend`)).headers;
    } finally {
      server.close();
    }
  }

  it("every response (API and webhook routes included) carries HSTS when the running server's APP_URL is https", async () => {
    process.env.APP_URL = "https://mailkit.example";
    resetEnvForTests();
    expect((await headOf()).get("strict-transport-security")).toMatch(/max-age=\d+/);
    process.env.APP_URL = "http://localhost:3000";
    resetEnvForTests();
    expect((await headOf()).get("strict-transport-security")).toBeNull();
  });

  it("the build-time headers do not decide it", async () => {
    const rules = await nextConfig.headers!();
    for (const rule of rules) expect(rule.headers.map((h) => h.key)).not.toContain("strict-transport-security");
  });
});
