import { beforeAll, describe, expect, it } from "vitest";

import * as byIdRoute from "@/app/api/emails/[id]/route";
import * as batchRoute from "@/app/api/emails/batch/route";
import * as emailsRoute from "@/app/api/emails/route";
import * as webhooksRoute from "@/app/api/webhooks/route";
import { createApiKey } from "@/lib/keys/api-keys";
import { db } from "@/lib/db";
import { setHostResolverForTests } from "@/lib/net/resolve-host";

import { createFundedUser, mailkitCredits, withTestWorld } from "./helpers/environment";

/**
 * Hostile input against the public API route handlers: malformed text, deep JSON, odd ids and bodies that could be
 * charged differently from what is forwarded. Every refusal must be a Resend-shaped 4xx and leave the credits and
 * sends untouched.
 */

const world = withTestWorld();

let token: string;
let customerId: string;
let userId: string;
beforeAll(async () => {
  const funded = await createFundedUser(world, 50, "hardening");
  customerId = funded.customerId;
  userId = funded.user.id;
  token = (await createApiKey(userId, { name: "t", permission: "full_access", rateLimitPerSecond: 10_000 })).token;
});

const valid = { from: "Acme <hello@acme.test>", to: "ada@example.com", subject: "Hi", text: "Hi" };

function post(path: "/api/emails" | "/api/emails/batch", body: string, headers: Record<string, string> = {}) {
  const request = new Request(`${world.app.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body,
  });
  return path === "/api/emails" ? emailsRoute.POST(request) : batchRoute.POST(request);
}

/** Snapshots credits and sends, then makes the request (`send` starts it only after the snapshot). */
async function expectRefusedWithoutCharge(send: () => Promise<Response>, status: number | RegExp = /^4\d\d$/) {
  const before = { credits: await mailkitCredits(customerId), sends: await db.emailSend.count({ where: { userId } }) };
  const res = await send();
  const body = (await res.json()) as Record<string, unknown>;
  if (typeof status === "number") expect(res.status).toBe(status);
  else expect(String(res.status)).toMatch(status);
  expect(body).toMatchObject({ statusCode: res.status, name: expect.any(String), message: expect.any(String) });
  expect(await mailkitCredits(customerId)).toEqual(before.credits);
  expect(await db.emailSend.count({ where: { userId } })).toBe(before.sends);
  return body;
}

describe("malformed input is a 4xx, never a 500", () => {
  it.each([
    ["subject", { subject: "a\u0000b" }],
    ["subject", { subject: "a\uD800b" }],
    ["html", { html: "<p>\u0000</p>" }],
    ["text", { text: "\uDFFF" }],
    ["from", { from: "Acme\u0000 <hello@acme.test>" }],
    ["to", { to: ["ada\uD83D@example.com"] }],
  ])("%s with NUL or a lone surrogate → 422 naming the field, nothing charged", async (field, patch) => {
    const body = await expectRefusedWithoutCharge(
      () => post("/api/emails", JSON.stringify({ ...valid, ...patch })),
      422,
    );
    expect(body.message).toContain(`\`${field}\``);
  });

  it("2,000-deep JSON with an Idempotency-Key → 400, nothing charged", async () => {
    const deep = `{"a":${"[".repeat(2000)}${"]".repeat(2000)}}`;
    await expectRefusedWithoutCharge(() => post("/api/emails", deep, { "idempotency-key": "deep-1" }), 400);
    await expectRefusedWithoutCharge(
      () => post("/api/emails/batch", `[${deep}]`, { "idempotency-key": "deep-2" }),
      400,
    );
  });

  it("GET /api/emails/%00 (and other non-ids) → 404 JSON", async () => {
    for (const id of ["\u0000", "%FF", "a/b", "x".repeat(5000), "\uD800"]) {
      const request = new Request(`${world.app.url}/api/emails/x`, { headers: { authorization: `Bearer ${token}` } });
      const res = await byIdRoute.GET(request, { params: Promise.resolve({ id }) });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ statusCode: 404, name: "not_found" });
    }
  });

  it.each(["after=%00", "before=%00", "after=%FF", "after=a%20b", `before=${"x".repeat(300)}`])(
    "GET /api/emails?%s → 422 JSON",
    async (query) => {
      const res = await emailsRoute.GET(
        new Request(`${world.app.url}/api/emails?${query}`, { headers: { authorization: `Bearer ${token}` } }),
      );
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ statusCode: 422, name: "validation_error" });
    },
  );
});

describe("what is charged is what is forwarded", () => {
  it('`to: "x1@a.com, x2@a.com <delivered@resend.dev>"` is refused, nothing charged', async () => {
    const body = await expectRefusedWithoutCharge(
      () => post("/api/emails", JSON.stringify({ ...valid, to: "x1@a.com, x2@a.com <delivered@resend.dev>" })),
      422,
    );
    expect(body.message).toContain("`to`");
  });

  it("CR/LF in subject and recipient-setting headers → 422, nothing charged", async () => {
    await expectRefusedWithoutCharge(
      () => post("/api/emails", JSON.stringify({ ...valid, subject: "Hi\r\nBcc: x@y.com" })),
      422,
    );
    for (const name of ["Bcc", "to", "CC", "From"]) {
      await expectRefusedWithoutCharge(
        () => post("/api/emails", JSON.stringify({ ...valid, headers: { [name]: "evil@example.com" } })),
        422,
      );
    }
  });

  it("attachment paths to file:, http: or private addresses → 422, nothing charged", async () => {
    for (const path of ["file:///etc/passwd", "http://169.254.169.254/latest/meta-data/", "https://127.0.0.1/x"]) {
      await expectRefusedWithoutCharge(
        () => post("/api/emails", JSON.stringify({ ...valid, attachments: [{ path, filename: "x.txt" }] })),
        422,
      );
    }
  });

  it("a quoted name with a comma is one recipient: charged 1, forwarded as that one address", async () => {
    const before = await mailkitCredits(customerId);
    const res = await post(
      "/api/emails",
      JSON.stringify({ ...valid, to: ['"Doe, John" <delivered@resend.dev>', "DELIVERED@resend.dev"] }),
    );
    expect(res.status).toBeLessThan(300);
    const { id } = (await res.json()) as { id: string };
    const send = await db.emailSend.findUniqueOrThrow({ where: { id } });
    expect(send.cost).toBe(1);
    expect((await mailkitCredits(customerId)).available).toBe(before.available - 1);
  });
});

describe("the text rule at the public API's edge covers every field of every body", () => {
  it("a webhook `description` with NUL or a lone surrogate → 422 naming it, nothing registered", async () => {
    for (const description of ["a\u0000b", "\uD800"]) {
      const res = await webhooksRoute.POST(
        new Request(`${world.app.url}/api/webhooks`, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ endpoint: "https://hooks.example.com/x", events: ["email.sent"], description }),
        }),
      );
      expect(res.status).toBe(422);
      expect(((await res.json()) as { message: string }).message).toContain("`description`");
    }
    expect(await db.webhookEndpoint.count({ where: { userId } })).toBe(0);
  });

  it.each(["filename", "content_type", "content_id"])(
    "attachments[].%s with NUL or a lone surrogate → 422, nothing charged",
    async (field) => {
      for (const value of ["a\u0000", "\uDFFF"]) {
        const attachments = [{ content: "aGk=", [field]: value }];
        const body = await expectRefusedWithoutCharge(
          () => post("/api/emails", JSON.stringify({ ...valid, attachments })),
          422,
        );
        expect(body.message).toContain(`attachments[0].${field}`);
      }
    },
  );

  it('`to: [x, X, " x "]` is charged 1 credit and forwarded as one recipient', async () => {
    const before = await mailkitCredits(customerId);
    const to = ["delivered@resend.dev", "DELIVERED@resend.dev", " delivered@resend.dev "];
    const res = await post("/api/emails", JSON.stringify({ ...valid, to }));
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as { id: string };
    const send = await db.emailSend.findUniqueOrThrow({ where: { id } });
    expect(send.to).toEqual(["delivered@resend.dev"]);
    expect(send.cost).toBe(1);
    expect((await mailkitCredits(customerId)).available).toBe(before.available - 1);
  });
});

describe("attachment paths get the webhook guard's DNS check", () => {
  it("a path whose host resolves to a private address → 422, nothing charged; a public one is sent", async () => {
    setHostResolverForTests(async (host) => [
      { address: host.startsWith("internal-") ? "10.0.0.9" : "93.184.216.34", family: 4 },
    ]);
    try {
      const body = await expectRefusedWithoutCharge(
        () =>
          post(
            "/api/emails",
            JSON.stringify({ ...valid, attachments: [{ path: "https://internal-files.example.com/a.pdf" }] }),
          ),
        422,
      );
      expect(body.message).toContain("10.0.0.9");
      const ok = await post(
        "/api/emails",
        JSON.stringify({ ...valid, attachments: [{ path: "https://files.example.com/a.pdf" }] }),
      );
      expect(ok.status).toBe(200);
    } finally {
      setHostResolverForTests(undefined);
    }
  });
});
