import { describe, expect, it } from "vitest";

import { POST as resendRoute } from "@/app/api/webhooks/resend/route";

import { signedResendRequest } from "../support/resend-webhooks";
import { withLocalServices } from "./helpers/environment";
import { withNextStandIn } from "./helpers/next-stand-in";

/**
 * Resend's webhooks are answered by the server process itself, ahead of Next.js, with the route file's handler:
 * every kind of request gets the answer the route gives, with the headers every API response carries, and
 * nothing else leaves Next.js's hands.
 */

withLocalServices();

const next = withNextStandIn();

/** The same request twice: once over HTTP to the server, once to the route handler directly. */
async function bothWays(make: () => Request): Promise<{ direct: Response; route: Response }> {
  return { direct: await next.overHttp(make()), route: await resendRoute(make()) };
}

const delivered = () => ({
  type: "email.delivered",
  created_at: new Date().toISOString(),
  data: { email_id: crypto.randomUUID(), created_at: new Date().toISOString(), to: ["someone@example.com"] },
});

describe("Resend's webhooks are served ahead of Next.js", () => {
  it.each([
    ["a signed event about an unknown email", () => signedResendRequest(delivered())],
    ["a wrong signature", () => signedResendRequest(delivered(), { secret: "whsec_" + btoa("another-secret-value") })],
    ["a signed body that is not JSON", () => signedResendRequest(null, { rawBody: "not json" })],
    ["a signed event without data", () => signedResendRequest({ type: "email.delivered" })],
    ["a body over 256 KB", () => signedResendRequest({ ...delivered(), padding: "x".repeat(300_000) })],
  ])("%s: the same answer as the route handler", async (_, make) => {
    const before = next.reachedNext.length;
    const { direct, route } = await bothWays(make);
    expect(direct.status).toBe(route.status);
    expect(await direct.json()).toEqual(await route.json());
    expect(next.reachedNext.length).toBe(before);
  });

  it("a chunked body over the limit is answered 413, and the sender's next request is answered too", async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x7b);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 64 * 1024 * 1024) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${next.base}/api/webhooks/resend`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: expect.any(String) });
    // Destroying the request when the handler stops reading (as Readable.toWeb does) would reset this connection.
    const { direct } = await bothWays(() => signedResendRequest(delivered()));
    expect(direct.status).toBe(200);
  });

  it("answers carry a request id and the headers of every API response", async () => {
    const { direct } = await bothWays(() => signedResendRequest(delivered()));
    expect(direct.status).toBe(200);
    expect(direct.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(direct.headers.get("content-type")).toContain("application/json");
    expect(direct.headers.get("x-frame-options")).toBe("DENY");
    expect(direct.headers.get("x-content-type-options")).toBe("nosniff");
    expect(direct.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("other methods, paths and the Dodo receiver stay with Next.js; after the undo, so does this one", async () => {
    const before = next.reachedNext.length;
    const post = (path: string) => fetch(`${next.base}${path}`, { method: "POST", body: "{}" });
    expect((await fetch(`${next.base}/api/webhooks/resend`)).status).toBe(299);
    expect((await post("/api/webhooks/resend/extra")).status).toBe(299);
    expect((await post("/api/webhooks/dodo")).status).toBe(299);
    expect((await post("/api/webhooks/resend?x=1")).status).toBe(401);
    expect(next.reachedNext.slice(before)).toEqual([
      "GET /api/webhooks/resend",
      "POST /api/webhooks/resend/extra",
      "POST /api/webhooks/dodo",
    ]);
    next.handBack();
    expect((await post("/api/webhooks/resend")).status).toBe(299);
    next.serveAgain();
  });
});
