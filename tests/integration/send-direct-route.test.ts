import { describe, expect, it } from "vitest";

import { POST as batchRoute } from "@/app/api/emails/batch/route";
import { POST as sendRoute } from "@/app/api/emails/route";
import { createApiKey } from "@/lib/keys/api-keys";

import { createFundedUser, deliverQueued, withTestWorld } from "./helpers/environment";
import { withNextStandIn } from "./helpers/next-stand-in";

/**
 * Every email is a `POST /api/emails` or `POST /api/emails/batch`: each web process answers them itself, ahead of
 * Next.js, with the handlers the route files export. Both ways give the same answers, charge the same credits and
 * share idempotency, and every other request stays with Next.js.
 */

const world = withTestWorld();

const next = withNextStandIn();

async function customerKey(credits: number): Promise<string> {
  const { user } = await createFundedUser(world, credits, "direct");
  return (await createApiKey(user.id, { name: "direct", permission: "full_access", rateLimitPerSecond: 1000 })).token;
}

type Make = () => Request;

function request(path: string, body: unknown, headers: Record<string, string> = {}): Make {
  return () =>
    new Request(`http://localhost${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" || body instanceof Uint8Array ? (body as BodyInit) : JSON.stringify(body),
    });
}

/** The request over HTTP to the server, then the same request to the route handler itself. */
async function bothWays(make: Make): Promise<{ direct: Response; route: Response }> {
  const template = make();
  const handler = new URL(template.url).pathname === "/api/emails/batch" ? batchRoute : sendRoute;
  return { direct: await next.overHttp(template), route: await handler(make()) };
}

const message = { from: "Acme <hello@acme.test>", subject: "Hi", text: "Hi" };
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const answerHeaders = (response: Response) =>
  Object.fromEntries(
    [...response.headers].filter(([name]) => name.startsWith("ratelimit") || name.startsWith("x-mailkit")),
  );

describe("sends are served ahead of Next.js", () => {
  it.each([
    ["no API key", request("/api/emails", { ...message, to: "a@example.com" })],
    ["an unknown API key", request("/api/emails", { ...message, to: "a@example.com" }, auth("mk_unknown"))],
  ])("%s: the same refusal as the route handler", async (_, make) => {
    const before = next.reachedNext.length;
    const { direct, route } = await bothWays(make);
    expect(direct.status).toBe(401);
    expect(direct.status).toBe(route.status);
    expect(await direct.json()).toEqual(await route.json());
    expect(next.reachedNext.length).toBe(before);
  });

  it("bad bodies, a sender domain not verified and an empty balance: the same answers, nothing charged", async () => {
    const token = await customerKey(1);
    const cases: Array<[string, Make, number]> = [
      ["not JSON", request("/api/emails", "{not json", auth(token)), 400],
      ["no recipient", request("/api/emails", message, auth(token)), 422],
      [
        "an unverified domain",
        request("/api/emails", { ...message, from: "x@other.test", to: "a@x.io" }, auth(token)),
        403,
      ],
      ["a batch of 101", request("/api/emails/batch", Array(101).fill({ ...message, to: "a@x.io" }), auth(token)), 422],
      [
        "a batch over the balance",
        request(
          "/api/emails/batch",
          [1, 2].map(() => ({ ...message, to: "a@x.io" })),
          auth(token),
        ),
        402,
      ],
      ["a body over 40 MB", request("/api/emails", new Uint8Array(41 * 1024 * 1024).fill(0x20), auth(token)), 413],
    ];
    for (const [name, make, status] of cases) {
      const { direct, route } = await bothWays(make);
      expect({ name, status: direct.status }).toEqual({ name, status: route.status });
      expect({ name, body: await direct.json() }).toEqual({ name, body: await route.json() });
      expect(direct.status, name).toBe(status);
    }
    // The one credit is still there: the next send is accepted.
    const sent = await next.overHttp(request("/api/emails", { ...message, to: "a@x.io" }, auth(token))());
    expect(await sent.json()).toMatchObject({ credits_charged: 1, credits_remaining: 0 });
  });

  it("accepted sends and batches: the same answer shape and headers, credits charged once each, delivered", async () => {
    const token = await customerKey(10);
    const one = await bothWays(request("/api/emails", { ...message, to: "one@example.com" }, auth(token)));
    expect([one.direct.status, one.route.status]).toEqual([200, 200]);
    const [directOne, routeOne] = [await one.direct.json(), await one.route.json()];
    expect(directOne).toEqual({ id: expect.any(String), credits_charged: 1, credits_remaining: 9 });
    expect(routeOne).toEqual({ id: expect.any(String), credits_charged: 1, credits_remaining: 8 });
    expect(Object.keys(answerHeaders(one.direct)).sort()).toEqual(Object.keys(answerHeaders(one.route)).sort());
    expect(one.direct.headers.get("x-mailkit-credits-remaining")).toBe("9");

    const batch = await bothWays(
      request(
        "/api/emails/batch",
        ["b1@example.com", "b2@example.com"].map((to) => ({ ...message, to })),
        auth(token),
      ),
    );
    const [directBatch, routeBatch] = [await batch.direct.json(), await batch.route.json()];
    expect(directBatch).toMatchObject({
      data: [{ id: expect.any(String) }, { id: expect.any(String) }],
      credits_remaining: 6,
    });
    expect(routeBatch).toMatchObject({
      data: [{ id: expect.any(String) }, { id: expect.any(String) }],
      credits_remaining: 4,
    });

    await deliverQueued();
    const atResend = world.emulators.resend.messages().filter((m) => /^(one|b[12])@example\.com$/.test(m.to[0]!));
    expect(atResend.length).toBe(6);
  });

  it("an Idempotency-Key used on one way is honoured on the other", async () => {
    const token = await customerKey(5);
    const headers = { ...auth(token), "idempotency-key": `direct-${crypto.randomUUID()}` };
    const make = request("/api/emails", { ...message, to: "idem@example.com" }, headers);
    const { direct, route } = await bothWays(make);
    const [first, replay] = [await direct.json(), await route.json()];
    expect(first).toMatchObject({ credits_charged: 1, credits_remaining: 4 });
    expect(replay).toEqual(first);
    const changed = await next.overHttp(request("/api/emails", { ...message, to: "other@example.com" }, headers)());
    expect(changed.status).toBe(409);
  });

  it("answers carry a request id and the headers of every API response", async () => {
    const { direct } = await bothWays(request("/api/emails", { ...message, to: "a@example.com" }));
    expect(direct.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(direct.headers.get("content-type")).toContain("application/json");
    expect(direct.headers.get("x-content-type-options")).toBe("nosniff");
    expect(direct.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  it("listing, reading and other paths stay with Next.js; after the undo, so do sends", async () => {
    const before = next.reachedNext.length;
    expect((await fetch(`${next.base}/api/emails`)).status).toBe(299);
    expect((await fetch(`${next.base}/api/emails/batch`)).status).toBe(299);
    expect((await fetch(`${next.base}/api/emails/some-id`, { method: "POST", body: "{}" })).status).toBe(299);
    expect((await fetch(`${next.base}/api/emails/`, { method: "POST", body: "{}" })).status).toBe(299);
    expect((await fetch(`${next.base}/api/emails?x=1`, { method: "POST", body: "{}" })).status).toBe(401);
    expect(next.reachedNext.slice(before)).toEqual([
      "GET /api/emails",
      "GET /api/emails/batch",
      "POST /api/emails/some-id",
      "POST /api/emails/",
    ]);
    next.handBack();
    expect((await fetch(`${next.base}/api/emails`, { method: "POST", body: "{}" })).status).toBe(299);
    expect((await fetch(`${next.base}/api/emails/batch`, { method: "POST", body: "[]" })).status).toBe(299);
    next.serveAgain();
  });
});
