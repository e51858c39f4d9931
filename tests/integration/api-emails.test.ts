import { Resend } from "resend";
import { afterEach, describe, expect, it } from "vitest";

import { PRODUCT_COPY } from "@/lib/catalog/product";

import { createApiKey, revokeApiKey } from "@/lib/keys/api-keys";
import { db, getDatabase } from "@/lib/db";
import { flushRequestLog, holdRequestLogFlushForTests } from "@/lib/request-log";

import {
  createFundedUser,
  deliverQueued,
  dodoDebits,
  grantCredits,
  mailkitCredits,
  settleOutbox,
  withTestWorld,
} from "./helpers/environment";
import { countPgStatements } from "./helpers/pg-statements";

/**
 * The public API through the official `resend` SDK, pointed at MailKit (baseUrl = MailKit's /api) with a
 * MailKit key: the route handlers run unchanged behind a local HTTP server.
 */

const world = withTestWorld();
afterEach(() => world.emulators.resend.faults.clear());

async function customerWithKey(
  credits: number,
  permission: "full_access" | "sending_access" = "full_access",
  rateLimitPerSecond?: number,
) {
  const { user, customerId } = await createFundedUser(world, credits, "api");
  const key = await createApiKey(user.id, { name: "test", permission, rateLimitPerSecond: rateLimitPerSecond ?? 1000 });
  return { user, customerId, key, resend: new Resend(key.token, { baseUrl: world.app.apiBase }) };
}

const message = { from: "Acme <hello@acme.test>", subject: "Welcome", html: "<p>Hi</p>" };

describe("the official resend SDK against MailKit", () => {
  it("sends, reports credits in the body and headers, and reads the email back", async () => {
    const { resend, customerId } = await customerWithKey(10);
    const sent = await resend.emails.send({
      ...message,
      to: ["sdk@example.com", "SDK@example.com"],
      cc: "cc@example.com",
    });
    expect(sent.error).toBeNull();
    const id = sent.data!.id;
    expect(sent.data).toMatchObject({ id, credits_charged: 2, credits_remaining: 8 });
    expect(sent.headers).toMatchObject({
      "x-mailkit-credits-charged": "2",
      "x-mailkit-credits-remaining": "8",
      "ratelimit-limit": "1000",
    });

    // Accepted for delivery: queued until the dispatcher hands it to Resend.
    expect((await resend.emails.get(id)).data).toMatchObject({ status: "queued", last_event: "queued" });
    await deliverQueued();
    const got = await resend.emails.get(id);
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({
      object: "email",
      id,
      to: ["sdk@example.com"], // a repeated recipient is forwarded once, as it is charged once
      cc: ["cc@example.com"],
      subject: "Welcome",
      html: "<p>Hi</p>",
      credits_charged: 2,
    });
    expect(["sent", "delivered"]).toContain(got.data!.last_event);

    const list = await resend.emails.list({ limit: 10 });
    expect(list.data).toMatchObject({ object: "list", has_more: false });
    expect(list.data!.data.map((e) => e.id)).toEqual([id]);

    await settleOutbox();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["2"]);
    const resendMessage = world.emulators.resend.messages({ to: "sdk@example.com" })[0]!;
    expect(resendMessage.idempotency_key).toMatch(/^mailkit-batch\//);
    expect(resendMessage.tags).toEqual([{ name: "mailkit_send_id", value: id }]);
  });

  it("sends a batch all-or-nothing and lists it with cursor pagination", async () => {
    const { resend, customerId } = await customerWithKey(3);
    const tooBig = await resend.batch.send([
      { ...message, to: "a@example.com" },
      { ...message, to: ["b@example.com", "c@example.com"] },
      { ...message, to: "d@example.com" },
    ]);
    expect(tooBig.error).toMatchObject({ statusCode: 402, name: "insufficient_credits", required: 4, available: 3 });
    expect(await db.emailSend.count({ where: { customerId } })).toBe(0);

    const batch = await resend.batch.send([
      { ...message, to: "a@example.com" },
      { ...message, to: ["b@example.com", "c@example.com"] },
    ]);
    expect(batch.error).toBeNull();
    expect(batch.data!.data).toHaveLength(2);
    expect(batch.data).toMatchObject({ credits_charged: 3, credits_remaining: 0 });

    const first = await resend.emails.list({ limit: 1 });
    expect(first.data!.has_more).toBe(true);
    const second = await resend.emails.list({ limit: 1, after: first.data!.data[0]!.id });
    expect(second.data!.has_more).toBe(false);
    expect(new Set([first.data!.data[0]!.id, second.data!.data[0]!.id])).toEqual(
      new Set(batch.data!.data.map((d) => d.id)),
    );
    const back = await resend.emails.list({ limit: 5, before: second.data!.data[0]!.id });
    expect(back.data!.data.map((e) => e.id)).toEqual([first.data!.data[0]!.id]);
  });

  it("50 parallel API requests at a balance of 5: exactly 5 × 200 and 45 × 402, 5 debits", async () => {
    const { resend, customerId } = await customerWithKey(5);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => resend.emails.send({ ...message, to: `parallel-${i}@example.com` })),
    );
    expect(results.filter((r) => r.data).length).toBe(5);
    const refused = results.filter((r) => r.error);
    expect(refused).toHaveLength(45);
    for (const r of refused)
      expect(r.error).toMatchObject({ statusCode: 402, name: "insufficient_credits", required: 1 });
    await settleOutbox();
    expect((await dodoDebits(world, customerId)).map((d) => d.amount)).toEqual(["5"]);
    expect(world.emulators.resend.messages({ q: "parallel-" })).toHaveLength(5);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 0, reserved: 0, available: 0 });
  });

  it("the request path costs two database round trips per accepted send (every statement counted on PostgreSQL), with no provider call", async () => {
    const { resend, customerId } = await customerWithKey(100);
    await world.emulators.dodo.idle(); // the funding webhook has been processed
    const xid = async () =>
      Number((await db.$queryRawUnsafe<{ x: string }[]>("SELECT txid_current()::text AS x"))[0]!.x);
    const resendCalls = world.emulators.resend.messages().length;
    // The request log's batched insert runs off the request path: held while the request path is measured, then
    // written in one statement (counted at the end).
    await holdRequestLogFlushForTests(true);
    const before = await xid();
    for (let i = 0; i < 20; i++) {
      const sent = await resend.emails.send(
        { ...message, to: `path-${i}@example.com` },
        { idempotencyKey: `path-${i}` },
      );
      expect(sent.error).toBeNull();
    }
    // Each txid_current() call is a transaction of its own: subtract the second one.
    const writes = (await xid()) - before - 1;
    expect(writes).toBeLessThanOrEqual(2 * 20 + 1); // key + rate limit + Idempotency-Key read; hold + insert (+ "last used")
    if (getDatabase().kind === "postgres") {
      // Round trips, reads included: every statement any pg client of this process sends (Prisma's too).
      const statements = await countPgStatements(async () => {
        for (let i = 0; i < 10; i++) {
          const sent = await resend.emails.send(
            { ...message, to: `trip-${i}@example.com` },
            { idempotencyKey: `trip-${i}` },
          );
          expect(sent.error).toBeNull();
        }
      });
      expect(statements).toBe(2 * 10); // the key gate (key, owner, domains, rate limit, Idempotency-Key) and admission
    }
    const flushStatements = await countPgStatements(async () => {
      await holdRequestLogFlushForTests(false);
      await flushRequestLog();
    });
    // The log entries of all these requests in one INSERT (PGlite's driver sends no pg statements).
    expect(flushStatements).toBe(getDatabase().kind === "postgres" ? 1 : 0);
    const logged = await db.apiRequestLog.count({ where: { path: "/api/emails", emailIds: { isEmpty: false } } });
    expect(logged).toBeGreaterThanOrEqual(getDatabase().kind === "postgres" ? 30 : 20);
    expect(world.emulators.resend.messages().length).toBe(resendCalls);
    expect(await mailkitCredits(customerId)).toMatchObject({ reserved: getDatabase().kind === "postgres" ? 30 : 20 });
    await deliverQueued();
  });

  it("402 when credits run out: required, available and where to top up; nothing sent", async () => {
    const { resend } = await customerWithKey(0);
    const before = world.emulators.resend.messages().length;
    const result = await resend.emails.send({ ...message, to: "broke@example.com" });
    expect(result.data).toBeNull();
    expect(result.error).toMatchObject({
      statusCode: 402,
      name: "insufficient_credits",
      message: PRODUCT_COPY.noPlan, // a customer without a plan is told to subscribe first
      required: 1,
      available: 0,
      top_up_url: `${world.app.url}/dashboard/billing`,
    });
    expect(world.emulators.resend.messages().length).toBe(before);
  });

  it("422 names the field and charges nothing", async () => {
    const { resend, customerId } = await customerWithKey(5);
    const badTo = await resend.emails.send({ ...message, to: "not-an-address" });
    expect(badTo.error).toMatchObject({ statusCode: 422, name: "validation_error" });
    expect(badTo.error!.message).toContain("`to`");
    const noSubject = await fetch(`${world.app.apiBase}/emails`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${(await createApiKey((await db.creditAccount.findUniqueOrThrow({ where: { customerId } })).userId, { name: "raw", permission: "full_access" })).token}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ from: "a@acme.test", to: "x@example.com", html: "x" }),
    });
    expect(noSubject.status).toBe(422);
    expect(await noSubject.json()).toEqual({
      statusCode: 422,
      name: "missing_required_field",
      message: "Missing `subject` field.",
    });
    const scheduled = await resend.emails.send({ ...message, to: "x@example.com", scheduledAt: "in 1 min" });
    expect(scheduled.error).toMatchObject({ statusCode: 422 });
    expect(scheduled.error!.message).toContain("scheduled_at");
    expect(await db.emailSend.count({ where: { customerId } })).toBe(0);
    expect(await mailkitCredits(customerId)).toMatchObject({ available: 5, reserved: 0 });
  });

  it("a scheduled email goes in a call of its own, is `scheduled` until Resend sends it at its time, then delivered", async () => {
    const { resend, customerId } = await customerWithKey(2);
    const when = new Date(Date.now() + 2_000).toISOString();
    const sent = await resend.emails.send({ ...message, to: "later@example.com", scheduledAt: when });
    expect(sent.error).toBeNull();
    await deliverQueued();
    const row = await db.emailSend.findUniqueOrThrow({ where: { id: sent.data!.id } });
    expect(row.status).toBe("scheduled");
    const call = await db.deliveryBatch.findFirstOrThrow({ where: { sendIds: { has: row.id } } });
    expect(call.mode).toBe("single"); // Resend's batch endpoint takes no schedule
    const atResend = world.emulators.resend.messages({ q: "later@example.com" });
    expect(atResend.map((m) => m.scheduled_at)).toEqual([when]);
    const got = await resend.emails.get(row.id);
    expect(got.data).toMatchObject({ scheduled_at: when, last_event: "scheduled", status: "scheduled" });
    // Accepted by Resend: the credit is spent now, whatever the schedule.
    expect(await mailkitCredits(customerId)).toMatchObject({ balance: 1, reserved: 0 });
    await expect
      .poll(async () => (await db.emailSend.findUniqueOrThrow({ where: { id: row.id } })).status, { timeout: 10_000 })
      .toBe("delivered");

    const batch = await fetch(`${world.app.url}/api/emails/batch`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${(resend as unknown as { key: string }).key}`,
        "content-type": "application/json",
      },
      body: JSON.stringify([{ ...message, to: "b@example.com", scheduled_at: when }]),
    });
    expect(batch.status).toBe(422);
    expect(((await batch.json()) as { message: string }).message).toContain(
      "`scheduled_at` field is not supported on the batch endpoint",
    );
  });

  it("a provider refusal after acceptance releases the credits and shows on the email", async () => {
    const { resend, customerId } = await customerWithKey(2);
    const result = await resend.emails.send({ ...message, to: "refused@example.com" });
    expect(result.data).toMatchObject({ credits_charged: 1, credits_remaining: 1 });
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails",
      status: 403,
      body: { statusCode: 403, name: "validation_error", message: "The acme.test domain is not verified." },
      count: 1,
    });
    await deliverQueued();
    const got = await resend.emails.get(result.data!.id);
    expect(got.data).toMatchObject({ status: "failed", last_event: "failed", credits_charged: 0 });
    expect(await mailkitCredits(customerId)).toMatchObject({ available: 2, reserved: 0 });
  });
});

describe("Idempotency-Key", () => {
  it("same key and body: the same response, one email, one debit", async () => {
    const { resend, customerId } = await customerWithKey(5);
    const body = { ...message, to: "idem@example.com" };
    const first = await resend.emails.send(body, { idempotencyKey: "order-42" });
    const second = await resend.emails.send(body, { idempotencyKey: "order-42" });
    expect(first.error).toBeNull();
    expect(second.data).toEqual(first.data);
    expect(second.headers?.["x-mailkit-credits-charged"]).toBe("1");
    await deliverQueued();
    expect(world.emulators.resend.messages({ to: "idem@example.com" })).toHaveLength(1);
    expect(await db.emailSend.count({ where: { customerId } })).toBe(1);
    await settleOutbox();
    expect(await dodoDebits(world, customerId)).toHaveLength(1);
  });

  it("same key, different body: 409 invalid_idempotent_request, nothing sent", async () => {
    const { resend, customerId } = await customerWithKey(5);
    await resend.emails.send({ ...message, to: "one@example.com" }, { idempotencyKey: "k-1" });
    const changed = await resend.emails.send({ ...message, to: "two@example.com" }, { idempotencyKey: "k-1" });
    expect(changed.error).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });
    expect(await db.emailSend.count({ where: { customerId } })).toBe(1);
  });

  it("concurrent requests with one key: one send; the others get its replay", async () => {
    const { resend, customerId } = await customerWithKey(10);
    const body = { ...message, to: "race@example.com" };
    const results = await Promise.all(
      Array.from({ length: 5 }, () => resend.emails.send(body, { idempotencyKey: "race-key" })),
    );
    const ok = results.filter((r) => r.data);
    const conflicts = results.filter((r) => r.error);
    expect(ok).toHaveLength(5);
    expect(conflicts).toHaveLength(0);
    expect(new Set(ok.map((r) => r.data!.id)).size).toBe(1);
    expect(await db.emailSend.count({ where: { customerId } })).toBe(1);
    await deliverQueued();
    expect(world.emulators.resend.messages({ to: "race@example.com" })).toHaveLength(1);
    expect(await mailkitCredits(customerId)).toMatchObject({ available: 9, reserved: 0 });
  });

  it("a 402 does not burn the key: after a top-up the same key sends", async () => {
    const { resend, customerId } = await customerWithKey(0);
    const body = { ...message, to: "later@example.com" };
    expect((await resend.emails.send(body, { idempotencyKey: "after-top-up" })).error).toMatchObject({
      statusCode: 402,
    });
    const { syncCreditsFromDodo } = await import("@/lib/credits");
    await grantCredits(world, customerId, 1);
    await syncCreditsFromDodo(customerId, "top-up");
    const retry = await resend.emails.send(body, { idempotencyKey: "after-top-up" });
    expect(retry.error).toBeNull();
    expect(retry.data).toMatchObject({ credits_charged: 1, credits_remaining: 0 });
  });

  it("batch keys are separate from single-send keys and replay too", async () => {
    const { resend, customerId } = await customerWithKey(4);
    const emails = [
      { ...message, to: "b1@example.com" },
      { ...message, to: "b2@example.com" },
    ];
    const a = await resend.batch.send(emails, { idempotencyKey: "batch-1" });
    const b = await resend.batch.send(emails, { idempotencyKey: "batch-1" });
    expect(b.data).toEqual(a.data);
    expect(await db.emailSend.count({ where: { customerId } })).toBe(2);
  });
});

describe("API keys and limits", () => {
  it("unknown, malformed and revoked keys get 401", async () => {
    const unknown = await new Resend("mk_doesnotexist", { baseUrl: world.app.apiBase }).emails.send({
      ...message,
      to: "x@example.com",
    });
    expect(unknown.error).toMatchObject({ statusCode: 401, name: "invalid_api_key" });
    const missing = await fetch(`${world.app.apiBase}/emails`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ name: "missing_api_key" });

    const { user, resend, key } = await customerWithKey(5);
    expect((await resend.emails.list()).error).toBeNull();
    expect(await revokeApiKey(user.id, key.id)).toBe(true);
    const revoked = await resend.emails.send({ ...message, to: "x@example.com" });
    expect(revoked.error).toMatchObject({ statusCode: 401, name: "invalid_api_key" });
  });

  it("a sending-only key sends but cannot read (401 restricted_api_key)", async () => {
    const { resend } = await customerWithKey(2, "sending_access");
    const sent = await resend.emails.send({ ...message, to: "sendonly@example.com" });
    expect(sent.error).toBeNull();
    expect((await resend.emails.get(sent.data!.id)).error).toMatchObject({
      statusCode: 401,
      name: "restricted_api_key",
    });
    expect((await resend.emails.list()).error).toMatchObject({ statusCode: 401, name: "restricted_api_key" });
  });

  it("records when a key was last used, and another customer's email is not found", async () => {
    const { key, resend } = await customerWithKey(1);
    const sent = await resend.emails.send({ ...message, to: "mine@example.com" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).lastUsedAt).not.toBeNull();
    const other = await customerWithKey(1);
    expect((await other.resend.emails.get(sent.data!.id)).error).toMatchObject({ statusCode: 404, name: "not_found" });
  });

  it("rate limit per key, held in the database: ratelimit-* headers and 429 with retry-after", async () => {
    const { key } = await customerWithKey(0, "full_access", 2);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        fetch(`${world.app.apiBase}/emails?limit=1`, { headers: { authorization: `Bearer ${key.token}` } }),
      ),
    );
    const limited = responses.filter((r) => r.status === 429);
    const allowed = responses.filter((r) => r.status === 200);
    expect(allowed.length).toBeGreaterThanOrEqual(2);
    expect(allowed.length).toBeLessThanOrEqual(4); // at most two windows' worth
    expect(limited.length).toBe(10 - allowed.length);
    expect(limited[0]!.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited[0]!.headers.get("ratelimit-limit")).toBe("2");
    expect(limited[0]!.headers.get("ratelimit-remaining")).toBe("0");
    expect(await limited[0]!.json()).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(allowed[0]!.headers.get("ratelimit-reset")).toMatch(/^\d+$/);
  });
});
