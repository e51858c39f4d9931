import fc from "fast-check";
import { NextRequest, type NextFetchEvent } from "next/server";
import { Webhook } from "standardwebhooks";
import { beforeAll, describe, expect, it, vi } from "vitest";

import * as byIdRoute from "@/app/api/emails/[id]/route";
import * as batchRoute from "@/app/api/emails/batch/route";
import * as emailsRoute from "@/app/api/emails/route";
import * as domainByIdRoute from "@/app/api/domains/[id]/route";
import * as domainVerifyRoute from "@/app/api/domains/[id]/verify/route";
import * as domainsRoute from "@/app/api/domains/route";
import { POST as dodoWebhook } from "@/app/api/webhooks/dodo/route";
import { POST as resendWebhook } from "@/app/api/webhooks/resend/route";
import * as customerWebhooksRoute from "@/app/api/webhooks/route";
import * as customerWebhookRoute from "@/app/api/webhooks/[id]/route";
import * as webhookEventsRoute from "@/app/api/webhooks/[id]/events/route";
import * as webhookEventRoute from "@/app/api/webhooks/[id]/events/[eventId]/route";
import * as webhookReplayRoute from "@/app/api/webhooks/[id]/events/[eventId]/replay/route";
import * as webhookRotateRoute from "@/app/api/webhooks/[id]/signing-secret/rotate/route";
import * as suppressionsRoute from "@/app/api/suppressions/route";
import * as suppressionRoute from "@/app/api/suppressions/[id_or_email]/route";
import { parseSendEmailBody } from "@/lib/sending/wire-schema";
import { RESERVED_HEADER_NAMES } from "@/lib/sending/mime-fields";
import { configureWebhooks } from "@/lib/webhooks";
import { createApiKey } from "@/lib/keys/api-keys";
import { db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { singleMailbox } from "@/lib/mail/mailbox";
import { costOf } from "@/lib/mail/recipients";
import { isPublicHttpsUrl } from "@/lib/net/public-url";
import { containsUncleanText } from "@/lib/text";
import { proxy } from "@/proxy";

import { createFundedUser, deliverQueued, withTestWorld } from "./helpers/environment";

/**
 * Property-based fuzzing of every public API route, both webhook routes and the proxy's path handling:
 * generated bodies, headers and paths must never answer 5xx; a refused request must charge nothing (balance, holds
 * and sends unchanged); the public API's 4xx bodies have Resend's shape `{ statusCode, name, message }`.
 * FUZZ_SEED=n replays a run; FUZZ_SCALE=2 doubles the number of cases.
 */

const world = withTestWorld();
// About 60 s per database on 2 cores; generous per-test limits for busy machines (both databases run at once).
vi.setConfig({ testTimeout: 180_000 });
const scale = Number(process.env.FUZZ_SCALE ?? 1);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;
const runs = (n: number) => ({ numRuns: Math.round(n * scale), seed, endOnFailure: true });
let cases = 0;
/** Cases each property saw accepted (2xx, parsed, passed on): a property that refused everything proves nothing. */
const accepted = new Map<string, number>();
const count = (name: string) => accepted.set(name, (accepted.get(name) ?? 0) + 1);
/** Fails the property `name` unless some of its generated cases got past validation to the code behind it. */
const expectSomeAccepted = (name: string) =>
  expect(accepted.get(name) ?? 0, `${name}: no generated case was accepted`).toBeGreaterThan(0);
const statuses = new Map<number, number>();
const tally = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);

let token: string;
let sendingToken: string;
let customerId: string;
let userId: string;
beforeAll(async () => {
  const funded = await createFundedUser(world, 100_000, "fuzz");
  ({ customerId } = funded);
  userId = funded.user.id;
  token = (await createApiKey(userId, { name: "fuzz", permission: "full_access", rateLimitPerSecond: 10_000 })).token;
  sendingToken = (
    await createApiKey(userId, { name: "fuzz-send", permission: "sending_access", rateLimitPerSecond: 10_000 })
  ).token;
  // Offline machines: endpoint hosts resolve to a public documentation-free address, as on the internet.
  configureWebhooks({ resolve: async () => [{ address: "93.184.216.34", family: 4 }] });
});

// ---- arbitraries ------------------------------------------------------------------------------------------

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const nastyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: codeUnit, maxLength: 30 }),
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom("", " ", "\u0000", "\uD800", "\uDFFF", "a\r\nBcc: x@evil.test", "%00", "%FF", "x".repeat(2000)),
);
const address = fc.oneof(
  fc.constantFrom("delivered@resend.dev", "Acme <delivered@resend.dev>", '"Doe, J" <delivered@resend.dev>'),
  fc.emailAddress(),
  fc.emailAddress().map((e) => `Name <${e}>`),
  fc.constantFrom("x1@a.com, x2@a.com <delivered@resend.dev>", "a@b", "<>", "g: a@b.com;", "a@b.com (c)"),
  nastyString,
);
const addressField = fc.oneof(address, fc.array(address, { maxLength: 4 }), fc.jsonValue({ maxDepth: 2 }));
const headerName = fc.oneof(
  fc.constantFrom("X-Entity-Ref", "To", "bcc", "Reply-To", "subject", "Return-Path", "List-Unsubscribe"),
  nastyString,
);
const attachment = fc.record(
  {
    filename: fc.oneof(fc.constant("a.txt"), nastyString),
    content: fc.oneof(fc.base64String({ maxLength: 40 }), nastyString),
    path: fc.oneof(
      fc.constantFrom("file:///etc/passwd", "http://169.254.169.254/x", "https://127.0.0.1/x", "https://[::1]/x"),
      fc.webUrl(),
      nastyString,
    ),
    content_type: nastyString,
  },
  { requiredKeys: [] },
);
/** Something shaped like a send, each field sometimes valid, sometimes hostile, sometimes any JSON. */
const emailish = fc.record(
  {
    from: fc.oneof(fc.constant("Acme <hello@acme.test>"), address, fc.jsonValue({ maxDepth: 1 })),
    to: fc.oneof(fc.constant("delivered@resend.dev"), addressField),
    cc: addressField,
    bcc: addressField,
    reply_to: addressField,
    subject: fc.oneof(fc.constant("Hello"), nastyString, fc.jsonValue({ maxDepth: 1 })),
    html: fc.oneof(fc.constant("<p>Hi</p>"), nastyString),
    text: fc.oneof(fc.constant("Hi"), nastyString, fc.jsonValue({ maxDepth: 1 })),
    headers: fc.oneof(fc.dictionary(headerName, nastyString, { maxKeys: 3 }), fc.jsonValue({ maxDepth: 2 })),
    tags: fc.oneof(
      fc.array(fc.record({ name: nastyString, value: nastyString }), { maxLength: 3 }),
      fc.jsonValue({ maxDepth: 2 }),
    ),
    attachments: fc.oneof(fc.array(attachment, { maxLength: 2 }), fc.jsonValue({ maxDepth: 2 })),
    scheduled_at: fc.oneof(fc.constant(null), nastyString),
  },
  { requiredKeys: ["from", "to", "subject"] },
);
/** A send that should be accepted (the properties must reach past validation, not only refuse). */
const validEmail = fc.record(
  {
    from: fc.constantFrom("Acme <hello@acme.test>", "hello@acme.test"),
    to: fc.oneof(
      fc.constantFrom("delivered@resend.dev", "Ada <delivered+a@resend.dev>"),
      fc.array(fc.constantFrom("delivered@resend.dev", "DELIVERED@resend.dev", " delivered+b@resend.dev "), {
        minLength: 1,
        maxLength: 3,
      }),
    ),
    cc: fc.array(fc.constantFrom("delivered+c@resend.dev", "bounced@resend.dev"), { maxLength: 2 }),
    subject: fc.string({ minLength: 1, maxLength: 40 }).map((v) => v.replace(/[\r\n\0]/g, " ") || "Hi"),
    text: fc.string({ minLength: 1, maxLength: 80 }).map((v) => v.replace(/\0/g, "") || "Hi"),
    headers: fc.dictionary(
      fc.constantFrom("X-Entity-Ref-ID", "List-Unsubscribe"),
      fc.constantFrom("1", "<https://a.test/u>"),
    ),
    tags: fc.array(fc.record({ name: fc.constantFrom("kind", "plan"), value: fc.constantFrom("welcome", "pro") }), {
      maxLength: 2,
    }),
    attachments: fc.array(
      fc.record({
        content: fc.base64String({ minLength: 4, maxLength: 40 }),
        filename: fc.constantFrom("a.txt", "Rechnung März.pdf"),
        content_type: fc.constantFrom("text/plain", "application/pdf"),
      }),
      { maxLength: 1 },
    ),
  },
  { requiredKeys: ["from", "to", "subject", "text"] },
);
// Mostly hostile; one in six valid (each accepted send is delivered before the next case, which costs time).
const sendBody = fc.oneof({ weight: 1, arbitrary: validEmail }, { weight: 5, arbitrary: emailish });
const deepJson = fc
  .integer({ min: 50, max: 3000 })
  .chain((n) => fc.constantFrom(`${"[".repeat(n)}${"]".repeat(n)}`, `{"to":${'{"a":'.repeat(n)}1${"}".repeat(n)}}`));
const rawBody = (json: fc.Arbitrary<unknown>) =>
  fc.oneof(
    { weight: 6, arbitrary: json.map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 200 }) },
    { weight: 1, arbitrary: deepJson },
  );
/** Printable ASCII: what a Headers object accepts. */
const headerValue = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((n) => String.fromCharCode(n)),
  maxLength: 300,
});
const apiHeaders = fc.record(
  {
    authorization: fc.oneof(
      { weight: 8, arbitrary: fc.constant("full") },
      { weight: 1, arbitrary: fc.constant("sending") },
      { weight: 1, arbitrary: headerValue },
    ),
    "idempotency-key": headerValue,
    "content-type": fc.oneof(fc.constant("application/json"), headerValue),
    "x-batch-validation": fc.constantFrom("strict", "permissive", ""),
  },
  { requiredKeys: ["authorization"] },
);

// ---- invariants -------------------------------------------------------------------------------------------

type Snapshot = { balance: number; reserved: number; sends: number };

/** The customer's credits, holds and sends, in one query (run around every case). */
async function snapshot(): Promise<Snapshot> {
  const rows = await db.$queryRawUnsafe<Snapshot[]>(
    `SELECT a."balance", a."reserved", (SELECT count(*)::int FROM "EmailSend" s WHERE s."userId" = $2) AS "sends"
     FROM "CreditAccount" a WHERE a."customerId" = $1`,
    customerId,
    userId,
  );
  return { balance: Number(rows[0]!.balance), reserved: Number(rows[0]!.reserved), sends: Number(rows[0]!.sends) };
}

/** The state after the previous case: unchanged unless that case answered 2xx. */
let last: Snapshot | undefined;

function withAuth(headers: Record<string, string>): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) out.set(name, value);
  const auth = headers.authorization;
  if (auth === "full") out.set("authorization", `Bearer ${token}`);
  else if (auth === "sending") out.set("authorization", `Bearer ${sendingToken}`);
  return out;
}

/** No 5xx; a Resend-shaped body on 4xx; nothing charged and no send created unless it answered 2xx. */
async function checkApi(call: () => Promise<Response>, name: string) {
  cases++;
  const before = (last ??= await snapshot());
  const response = await call();
  tally(response.status);
  const text = await response.text();
  expect(response.status, text).toBeLessThan(500);
  if (response.status >= 400) {
    const body = JSON.parse(text) as Record<string, unknown>;
    expect(body).toMatchObject({ statusCode: response.status, name: expect.any(String), message: expect.any(String) });
    last = await snapshot();
    expectNothingCharged(before, last);
  } else {
    count(name);
    last = await settled();
  }
}

/**
 * A refused request creates no send, and takes no credits. With no send in flight before it (the usual case),
 * balance and holds are exactly as they were; otherwise a send accepted earlier may settle meanwhile, which can
 * only capture or release its own hold (available credits never go down).
 */
function expectNothingCharged(before: Snapshot, after: Snapshot) {
  expect(after.sends).toBe(before.sends);
  if (before.reserved === 0) expect(after).toEqual(before);
  else expect(after.balance - after.reserved).toBeGreaterThanOrEqual(before.balance - before.reserved);
}

/**
 * After an accepted send: deliver it (no background dispatcher runs in tests), so its hold is settled and the next
 * case starts from a quiet account. Waiting instead would make every later 2xx case wait for a hold nobody settles.
 */
async function settled(): Promise<Snapshot> {
  await deliverQueued(3);
  return snapshot();
}

async function checkWebhook(call: () => Promise<Response>, name: string) {
  cases++;
  const before = (last ??= await snapshot());
  const response = await call();
  const text = await response.text();
  expect(response.status, text).toBeLessThan(500);
  if (response.ok) count(name);
  expect(() => JSON.parse(text)).not.toThrow();
  last = await snapshot();
  expectNothingCharged(before, last);
}

// ---- properties -------------------------------------------------------------------------------------------

describe("fuzzing the public API", () => {
  it("POST /api/emails", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(sendBody), apiHeaders, async (body, headers) => {
        await checkApi(
          () =>
            emailsRoute.POST(
              new Request(`${world.app.url}/api/emails`, { method: "POST", headers: withAuth(headers), body }),
            ),
          "POST /api/emails",
        );
      }),
      runs(800),
    );
    expectSomeAccepted("POST /api/emails");
  });

  it("POST /api/emails/batch", async () => {
    // A batch takes no attachments: valid batches are valid sends without them.
    const validBatch = fc.array(
      validEmail.map(({ attachments: _attachments, ...email }) => email),
      { minLength: 1, maxLength: 3 },
    );
    const batch = fc.oneof(
      fc.array(sendBody, { maxLength: 4 }),
      { arbitrary: validBatch, weight: 2 },
      emailish,
      fc.jsonValue({ maxDepth: 2 }),
    );
    await fc.assert(
      fc.asyncProperty(rawBody(batch), apiHeaders, async (body, headers) => {
        await checkApi(
          () =>
            batchRoute.POST(
              new Request(`${world.app.url}/api/emails/batch`, { method: "POST", headers: withAuth(headers), body }),
            ),
          "POST /api/emails/batch",
        );
      }),
      runs(400),
    );
    expectSomeAccepted("POST /api/emails/batch");
  });

  it("GET /api/emails with any query", async () => {
    const param = fc.oneof(fc.uuid(), nastyString, fc.integer().map(String));
    const query = fc.dictionary(fc.constantFrom("limit", "after", "before", "x", ""), param, { maxKeys: 3 });
    await fc.assert(
      fc.asyncProperty(query, apiHeaders, async (params, headers) => {
        const url = new URL(`${world.app.url}/api/emails`);
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        await checkApi(() => emailsRoute.GET(new Request(url, { headers: withAuth(headers) })), "GET /api/emails");
      }),
      runs(200),
    );
    expectSomeAccepted("GET /api/emails");
  });

  it("GET /api/emails/{id} with any id", async () => {
    const id = fc.oneof(fc.uuid(), nastyString, fc.webSegment());
    await fc.assert(
      fc.asyncProperty(id, apiHeaders, async (value, headers) => {
        await checkApi(
          () =>
            byIdRoute.GET(new Request(`${world.app.url}/api/emails/x`, { headers: withAuth(headers) }), {
              params: Promise.resolve({ id: value }),
            }),
          "GET /api/emails/{id}",
        );
      }),
      runs(400),
    );
  });
});

describe("fuzzing the Domains API", () => {
  const domainish = fc.record(
    {
      name: fc.oneof(
        fc.constantFrom("fuzz.test", "a.b.fuzz.test", "FUZZ.test."),
        nastyString,
        fc.jsonValue({ maxDepth: 1 }),
      ),
      region: fc.oneof(fc.constantFrom("us-east-1", "eu-west-1", "mars-1"), nastyString, fc.jsonValue({ maxDepth: 1 })),
    },
    { requiredKeys: [] },
  );
  // A name nobody holds yet now and then, so the property reaches past validation (up to the per-customer cap).
  const freshDomain = fc.record({ name: fc.integer({ min: 0, max: 1e9 }).map((n) => `d${n}.fuzz.test`) });
  const id = fc.oneof(fc.uuid(), nastyString, fc.webSegment());

  it("POST /api/domains", async () => {
    const body = rawBody(fc.oneof({ arbitrary: domainish, weight: 4 }, { arbitrary: freshDomain, weight: 1 }));
    await fc.assert(
      fc.asyncProperty(body, apiHeaders, async (body, headers) => {
        await checkApi(
          () =>
            domainsRoute.POST(
              new Request(`${world.app.url}/api/domains`, { method: "POST", headers: withAuth(headers), body }),
            ),
          "POST /api/domains",
        );
      }),
      runs(200),
    );
    expectSomeAccepted("POST /api/domains");
  });

  it("GET / DELETE /api/domains/{id} and POST …/verify with any id", async () => {
    const method = fc.constantFrom("GET", "DELETE", "VERIFY");
    await fc.assert(
      fc.asyncProperty(id, method, apiHeaders, async (value, how, headers) => {
        const request = new Request(`${world.app.url}/api/domains/x`, {
          method: how === "VERIFY" ? "POST" : how,
          headers: withAuth(headers),
        });
        const context = { params: Promise.resolve({ id: value }) };
        await checkApi(
          () =>
            how === "GET"
              ? domainByIdRoute.GET(request, context)
              : how === "DELETE"
                ? domainByIdRoute.DELETE(request, context)
                : domainVerifyRoute.POST(request, context),
          "/api/domains/{id}",
        );
      }),
      runs(200),
    );
  });
});

describe("fuzzing the webhooks", () => {
  const eventish = fc.record(
    {
      type: fc.oneof(
        fc.constantFrom("email.sent", "email.delivered", "email.bounced", "payment.succeeded", "subscription.active"),
        fc.constantFrom("domain.created", "domain.updated", "domain.deleted"),
        fc.constantFrom("credit.added", "credit.balance_low", "payment.failed", "subscription.renewed"),
        nastyString,
      ),
      created_at: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        nastyString,
      ),
      timestamp: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        nastyString,
      ),
      data: fc.oneof(
        fc.record(
          {
            email_id: fc.oneof(fc.uuid(), nastyString),
            id: fc.oneof(fc.uuid(), nastyString),
            status: fc.oneof(fc.constantFrom("verified", "failed"), nastyString),
            records: fc.oneof(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 2 }), fc.jsonValue({ maxDepth: 1 })),
            customer: fc.record({ customer_id: nastyString }),
            customer_id: nastyString,
            payment_id: nastyString,
            subscription_id: nastyString,
            tags: fc.jsonValue({ maxDepth: 2 }),
            to: fc.array(nastyString, { maxLength: 2 }),
          },
          { requiredKeys: [] },
        ),
        fc.jsonValue({ maxDepth: 3 }),
      ),
    },
    { requiredKeys: [] },
  );
  const signing = fc.constantFrom("valid", "valid", "valid", "wrong", "none");

  function signedHeaders(secret: string, body: string, how: string, prefix: "webhook" | "svix", id: string) {
    const at = new Date();
    const key = how === "wrong" ? `whsec_${Buffer.from("not-the-secret").toString("base64")}` : secret;
    if (how === "none") return new Headers();
    return new Headers({
      [`${prefix}-id`]: id,
      [`${prefix}-timestamp`]: String(Math.floor(at.getTime() / 1000)),
      [`${prefix}-signature`]: new Webhook(key).sign(id, at, body),
    });
  }

  it("POST /api/webhooks/dodo", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(eventish), signing, fc.uuid(), async (body, how, id) => {
        const headers = signedHeaders(getEnv().dodo.webhookKey, body, how, "webhook", `msg_${id}`);
        await checkWebhook(
          () => dodoWebhook(new Request(`${world.app.url}/api/webhooks/dodo`, { method: "POST", headers, body })),
          "POST /api/webhooks/dodo",
        );
      }),
      runs(500),
    );
    expectSomeAccepted("POST /api/webhooks/dodo");
  });

  it("POST /api/webhooks/resend", async () => {
    await fc.assert(
      fc.asyncProperty(rawBody(eventish), signing, fc.uuid(), async (body, how, id) => {
        const headers = signedHeaders(getEnv().resend.webhookSecret!, body, how, "svix", `msg_${id}`);
        await checkWebhook(
          () => resendWebhook(new Request(`${world.app.url}/api/webhooks/resend`, { method: "POST", headers, body })),
          "POST /api/webhooks/resend",
        );
      }),
      runs(500),
    );
    expectSomeAccepted("POST /api/webhooks/resend");
  });
});

describe("fuzzing paths through proxy.ts", () => {
  it("any percent-encoded path answers 404 or passes on, never 5xx", async () => {
    const segment = fc.oneof(
      fc.webSegment(),
      fc
        .uint8Array({ maxLength: 6 })
        .map((bytes) => [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("")),
      fc.constantFrom("%", "%F", "%FF", "%E0%A4%A", "%C0%80", "%00", "%2F", "%25"),
    );
    const prefix = fc.constantFrom("/api/emails/", "/", "/dashboard/", "/signin/");
    await fc.assert(
      fc.asyncProperty(prefix, fc.array(segment, { minLength: 1, maxLength: 3 }), async (start, parts) => {
        cases++;
        const response = await proxy(
          new NextRequest(`http://localhost:3000${start}${parts.join("/")}`),
          {} as NextFetchEvent,
        );
        expect(response.status).toBeLessThan(500);
        if (response.status !== 404) count("proxy path");
      }),
      runs(1300),
    );
    expectSomeAccepted("proxy path");
  });
});

describe("fuzzing the customer webhooks and suppressions APIs", () => {
  const endpointish = fc.record(
    {
      endpoint: fc.oneof(
        fc.constantFrom("https://hooks.example.com/mailkit", "https://localhost./x", "http://10.0.0.1/x"),
        fc.webUrl(),
        nastyString,
      ),
      events: fc.oneof(
        fc.array(fc.constantFrom("email.sent", "email.delivered", "email.bounced", "domain.updated"), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.array(nastyString, { maxLength: 2 }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      description: fc.oneof(fc.constant("Orders"), nastyString, fc.jsonValue({ maxDepth: 1 })),
      status: fc.oneof(fc.constantFrom("enabled", "disabled"), nastyString),
    },
    { requiredKeys: [] },
  );
  // A valid endpoint now and then, so the property reaches past validation (up to the per-customer cap).
  const validEndpoint = fc.record({
    endpoint: fc.constant("https://hooks.example.com/mailkit"),
    events: fc.array(fc.constantFrom("email.sent", "email.delivered", "email.bounced"), { minLength: 1, maxLength: 3 }),
  });
  const id = fc.oneof(fc.uuid(), nastyString, fc.webSegment(), fc.constant("ep_missing"));

  it("POST /api/webhooks and PATCH /api/webhooks/{id}", async () => {
    const body = rawBody(fc.oneof({ arbitrary: endpointish, weight: 4 }, { arbitrary: validEndpoint, weight: 1 }));
    await fc.assert(
      fc.asyncProperty(body, id, fc.boolean(), apiHeaders, async (body, value, patch, headers) => {
        const init = { method: patch ? "PATCH" : "POST", headers: withAuth(headers), body };
        await checkApi(
          () =>
            patch
              ? customerWebhookRoute.PATCH(new Request(`${world.app.url}/api/webhooks/x`, init), {
                  params: Promise.resolve({ id: value }),
                })
              : customerWebhooksRoute.POST(new Request(`${world.app.url}/api/webhooks`, init)),
          patch ? "PATCH /api/webhooks/{id}" : "POST /api/webhooks",
        );
      }),
      runs(300),
    );
    expectSomeAccepted("POST /api/webhooks");
  });

  it("GET / DELETE /api/webhooks/{id}, its events, replay and rotate with any ids", async () => {
    const how = fc.constantFrom("GET", "DELETE", "EVENTS", "EVENT", "REPLAY", "ROTATE", "LIST");
    await fc.assert(
      fc.asyncProperty(how, id, id, apiHeaders, async (what, value, eventId, headers) => {
        const method = ["REPLAY", "ROTATE"].includes(what) ? "POST" : what === "DELETE" ? "DELETE" : "GET";
        const request = new Request(`${world.app.url}/api/webhooks/x`, { method, headers: withAuth(headers) });
        const one = { params: Promise.resolve({ id: value }) };
        const two = { params: Promise.resolve({ id: value, eventId }) };
        await checkApi(
          () =>
            what === "GET"
              ? customerWebhookRoute.GET(request, one)
              : what === "DELETE"
                ? customerWebhookRoute.DELETE(request, one)
                : what === "EVENTS"
                  ? webhookEventsRoute.GET(request, one)
                  : what === "EVENT"
                    ? webhookEventRoute.GET(request, two)
                    : what === "REPLAY"
                      ? webhookReplayRoute.POST(request, two)
                      : what === "ROTATE"
                        ? webhookRotateRoute.POST(request, one)
                        : customerWebhooksRoute.GET(request),
          "/api/webhooks/{id}",
        );
      }),
      runs(300),
    );
    expectSomeAccepted("/api/webhooks/{id}");
  });

  it("the suppressions API: any query, body and address", async () => {
    const how = fc.constantFrom("LIST", "ADD", "GET", "DELETE");
    const query = fc.dictionary(fc.constantFrom("limit", "after", "before", "reason", "search"), nastyString, {
      maxKeys: 3,
    });
    const body = rawBody(fc.record({ email: fc.oneof(address, fc.jsonValue({ maxDepth: 1 })) }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(how, query, body, address, apiHeaders, async (what, params, raw, value, headers) => {
        const url = new URL(`${world.app.url}/api/suppressions`);
        for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
        const context = { params: Promise.resolve({ id_or_email: value }) };
        await checkApi(
          () =>
            what === "LIST"
              ? suppressionsRoute.GET(new Request(url, { headers: withAuth(headers) }))
              : what === "ADD"
                ? suppressionsRoute.POST(new Request(url, { method: "POST", headers: withAuth(headers), body: raw }))
                : what === "GET"
                  ? suppressionRoute.GET(new Request(url, { headers: withAuth(headers) }), context)
                  : suppressionRoute.DELETE(
                      new Request(url, { method: "DELETE", headers: withAuth(headers) }),
                      context,
                    ),
          "/api/suppressions",
        );
      }),
      runs(300),
    );
    expectSomeAccepted("/api/suppressions");
  });
});

describe("fuzzing the dashboard's query strings through proxy.ts", () => {
  it("any query on any page answers 400 (unclean text) or passes on, never 5xx", async () => {
    const page = fc.constantFrom(
      "/dashboard",
      "/dashboard/suppressions",
      "/dashboard/billing/return",
      "/dashboard/messages",
      "/dashboard/webhooks",
      "/signin",
    );
    const name = fc.constantFrom("q", "payment_id", "subscription_id", "status", "page", "callbackUrl", "kind");
    const value = fc.oneof(
      nastyString.map((v) => encodeURIComponent(v.isWellFormed() ? v : v.toWellFormed())),
      fc.constantFrom("%00", "%FF", "%ED%A0%80", "%C0%80", "a%00b", "%"),
    );
    await fc.assert(
      fc.asyncProperty(page, fc.array(fc.tuple(name, value), { maxLength: 3 }), async (path, pairs) => {
        cases++;
        const query = pairs.map(([k, v]) => `${k}=${v}`).join("&");
        const response = await proxy(new NextRequest(`http://localhost:3000${path}?${query}`), {} as NextFetchEvent);
        expect(response.status).toBeLessThan(500);
        if (response.status === 400) expect(await response.json()).toMatchObject({ error: "invalid_parameter" });
        else count("page query");
      }),
      runs(500),
    );
    expectSomeAccepted("page query");
  });
});

describe("fuzzing the send validation (what is charged is what is forwarded)", () => {
  it("an accepted body forwards only single mailboxes, clean text, no reserved headers; cost = distinct addresses", () => {
    const body = fc.oneof(validEmail, emailish, fc.jsonValue({ maxDepth: 3 }));
    fc.assert(
      fc.property(body, (value) => {
        cases++;
        const parsed = parseSendEmailBody(value);
        if (!parsed.ok) return; // a refusal forwards nothing; the count below shows accepted bodies were checked
        count("parseSendEmailBody");
        const email = parsed.value;
        const recipients = [...email.to, ...email.cc, ...email.bcc];
        for (const entry of [email.from, ...recipients, ...email.replyTo]) expect(singleMailbox(entry)).toBeDefined();
        const distinct = new Set(recipients.map((entry) => singleMailbox(entry)));
        expect(costOf(email)).toBe(distinct.size);
        expect(email.subject).not.toMatch(/[\r\n]/);
        expect(containsUncleanText(email)).toBe(false);
        for (const name of Object.keys(email.headers ?? {}))
          expect(RESERVED_HEADER_NAMES).not.toContain(name.toLowerCase());
        for (const a of email.attachments ?? []) if (a.path) expect(isPublicHttpsUrl(a.path)).toBe(true);
      }),
      runs(1000),
    );
    expectSomeAccepted("parseSendEmailBody");
  });
});

describe("fuzz suite size", () => {
  it("ran at least 5,000 generated cases", () => {
    console.log(
      `[fuzz] ${cases} generated cases; public API statuses ${JSON.stringify(Object.fromEntries(statuses))}; accepted ${JSON.stringify(Object.fromEntries(accepted))}`,
    );
    expect(cases).toBeGreaterThanOrEqual(5000 * Math.min(1, scale));
  });
});
