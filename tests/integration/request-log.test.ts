import { Resend } from "resend";
import { afterEach, describe, expect, it } from "vitest";

import { createApiKey, KeyDomainError, renameApiKey } from "@/lib/keys/api-keys";
import { db } from "@/lib/db";
import { setDomainTracking } from "@/lib/domains/tracking";
import {
  flushRequestLog,
  holdRequestLogFlushForTests,
  listRequestLog,
  pruneRequestLog,
  requestCountsByKey,
} from "@/lib/request-log";
import { bufferedRequestCount, recordRequest, REQUEST_LOG_LIMITS } from "@/lib/request-log/buffer";

import { deliverabilityRows } from "@/lib/deliverability";

import {
  createFundedUser,
  deliverQueued,
  mailkitCredits,
  verifyTestDomain,
  withTestWorld,
} from "./helpers/environment";

/**
 * The API request log: written off the request path (buffered, one INSERT per batch), with secrets and message
 * content left out, fair between customers, pruned after 30 days; and the key features built on it: per-key
 * counts, rename, and sending keys restricted to one domain.
 */

const world = withTestWorld();
afterEach(() => holdRequestLogFlushForTests(false));

async function customerWithKey(
  credits: number,
  input: { permission?: "full_access" | "sending_access"; domain?: string } = {},
) {
  const { user, customerId } = await createFundedUser(world, credits, "logs");
  const key = await createApiKey(user.id, {
    name: "server",
    permission: input.permission ?? "full_access",
    rateLimitPerSecond: 1000,
    domain: input.domain,
  });
  return { user, customerId, key, resend: new Resend(key.token, { baseUrl: world.app.apiBase }) };
}

const SECRET_HTML = "<p>Your one-time code is 731-442</p>";
const SECRET_TEXT = "Your one-time code is 731-442";
const ATTACHMENT = Buffer.from("invoice body: account 99-1234").toString("base64");

describe("the API request log", () => {
  it("keeps refused bodies with text jsonb cannot store (NUL, unpaired surrogates), and the entries flushed with them", async () => {
    const { user, key } = await customerWithKey(1);
    await holdRequestLogFlushForTests(true);
    const post = (body: unknown) =>
      fetch(`${world.app.apiBase}/emails`, {
        method: "POST",
        headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const from = "Acme <hello@acme.test>";
    expect((await post({ from, to: "reader@example.com", subject: "a\u0000b" })).status).toBeGreaterThanOrEqual(400);
    expect(
      (await post({ from, to: "reader@example.com", subject: "\ud800", "k\u0000": 1 })).status,
    ).toBeGreaterThanOrEqual(400);
    expect((await post({ from, to: "reader@example.com" })).status).toBeGreaterThanOrEqual(400);
    await holdRequestLogFlushForTests(false);
    await flushRequestLog();
    const rows = await db.apiRequestLog.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((row) => row.requestBody)).toEqual([
      { from, to: "reader@example.com", subject: "a\uFFFDb" },
      { from, to: "reader@example.com", subject: "\uFFFD", "k\uFFFD": 1 },
      { from, to: "reader@example.com" },
    ]);
  });

  it("records accepted and refused calls after they are answered, without the key or the message content", async () => {
    const { user, key, resend } = await customerWithKey(1);
    await holdRequestLogFlushForTests(true);
    const sent = await resend.emails.send({
      from: "Acme <hello@acme.test>",
      to: "reader@example.com",
      subject: "Your code",
      html: SECRET_HTML,
      text: SECRET_TEXT,
      headers: { "X-Api-Token": "tok_should_not_be_logged" },
      attachments: [{ filename: "invoice.txt", content: ATTACHMENT }],
    });
    expect(sent.error).toBeNull();
    const refused = await resend.emails.send({
      from: "Acme <hello@acme.test>",
      to: "second@example.com",
      subject: "No credits left",
      html: SECRET_HTML,
    });
    expect(refused.error).toMatchObject({ statusCode: 402, name: "insufficient_credits" });

    // Answered, and nothing written yet: the entries wait in memory for the background flush.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(bufferedRequestCount()).toBeGreaterThanOrEqual(2);
    expect(await db.apiRequestLog.count({ where: { userId: user.id } })).toBe(0);

    await holdRequestLogFlushForTests(false);
    await flushRequestLog();
    const rows = await db.apiRequestLog.findMany({ where: { userId: user.id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/api/emails", 200],
      ["POST", "/api/emails", 402],
    ]);
    const [accepted, declined] = rows as [(typeof rows)[0], (typeof rows)[0]];
    expect(accepted.apiKeyId).toBe(key.id);
    expect(accepted.emailIds).toEqual([sent.data!.id]);
    expect(accepted.errorBody).toBeNull();
    expect(accepted.requestBody).toMatchObject({
      to: "reader@example.com",
      subject: "Your code",
      html: `[redacted: ${SECRET_HTML.length} characters]`,
      text: `[redacted: ${SECRET_TEXT.length} characters]`,
      headers: { "X-Api-Token": "[redacted]" },
      attachments: [{ filename: "invoice.txt", content: `[redacted: ${ATTACHMENT.length} characters]` }],
    });
    expect(declined.errorBody).toMatchObject({ statusCode: 402, name: "insufficient_credits" });
    expect(declined.durationMs).toBeGreaterThanOrEqual(0);
    const stored = JSON.stringify(rows);
    for (const secret of [key.token, "731-442", ATTACHMENT, "tok_should_not_be_logged", "99-1234"])
      expect(stored).not.toContain(secret);

    // The dashboard's searches: by status class, exact code, path, key, and the email a request created.
    expect((await listRequestLog(user.id, { status: "4xx" })).entries.map((e) => e.status)).toEqual([402]);
    expect((await listRequestLog(user.id, { status: "200" })).entries).toHaveLength(1);
    expect((await listRequestLog(user.id, { path: "/API/EMAILS" })).entries).toHaveLength(2);
    expect((await listRequestLog(user.id, { path: "/domains" })).entries).toHaveLength(0);
    expect((await listRequestLog(user.id, { keyId: key.id })).entries[0]!.key).toMatchObject({ name: "server" });
    const byEmail = await listRequestLog(user.id, { email: sent.data!.id });
    expect(byEmail.entries.map((e) => e.id)).toEqual([accepted.id]);
    expect(await requestCountsByKey(user.id)).toEqual(new Map([[key.id, { total: 2, failed: 1 }]]));
  });

  it("a refused call is written by the background flush within 2 s, with no flush asked for", async () => {
    const { user, resend } = await customerWithKey(0);
    const refused = await resend.emails.send({
      from: "Acme <hello@acme.test>",
      to: "x@example.com",
      subject: "s",
      text: "t",
    });
    expect(refused.error).toMatchObject({ statusCode: 402 });
    const deadline = Date.now() + 2_000;
    let count = 0;
    while (Date.now() < deadline && count === 0) {
      count = await db.apiRequestLog.count({ where: { userId: user.id, status: 402 } });
      if (!count) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(count).toBe(1);
  });

  it("one customer filling the buffer cannot crowd out another's entries, and each flush takes customers in turn", async () => {
    await holdRequestLogFlushForTests(true);
    const entry = (userId: string) => ({
      userId,
      apiKeyId: null,
      method: "POST",
      path: "/api/emails",
      status: 429,
      durationMs: 1,
      requestBody: null,
      errorBody: null,
      emailIds: [],
      createdAt: new Date(),
    });
    const noisy = `noisy-${Date.now()}`;
    const quiet = `quiet-${Date.now()}`;
    for (let i = 0; i < REQUEST_LOG_LIMITS.perCustomer + 200; i++) recordRequest(entry(noisy));
    recordRequest(entry(quiet));
    expect(bufferedRequestCount()).toBe(REQUEST_LOG_LIMITS.perCustomer + 1);
    await holdRequestLogFlushForTests(false);
    await flushRequestLog();
    expect(await db.apiRequestLog.count({ where: { userId: noisy } })).toBe(REQUEST_LOG_LIMITS.perCustomer);
    expect(await db.apiRequestLog.count({ where: { userId: quiet } })).toBe(1);
  });

  it("forgets entries older than 30 days", async () => {
    const day = 24 * 3600_000;
    const base = { userId: `prune-${Date.now()}`, method: "GET", path: "/api/emails", status: 200, durationMs: 3 };
    await db.apiRequestLog.createMany({
      data: [
        { ...base, id: `old-${Date.now()}`, createdAt: new Date(Date.now() - 31 * day) },
        { ...base, id: `recent-${Date.now()}`, createdAt: new Date(Date.now() - 29 * day) },
      ],
    });
    expect(await pruneRequestLog()).toBeGreaterThanOrEqual(1);
    const left = await db.apiRequestLog.findMany({ where: { userId: base.userId } });
    expect(left.map((r) => r.id)).toEqual([expect.stringMatching(/^recent-/)]);
  });
});

describe("API keys", () => {
  it("a sending key restricted to one domain cannot send from another: 403 with a clear error, nothing held", async () => {
    const { user, customerId, resend } = await customerWithKey(5, {
      permission: "sending_access",
      domain: "acme.test",
    });
    await verifyTestDomain(world, user.id, "other-brand.test");
    const before = await mailkitCredits(customerId);
    const refused = await resend.emails.send({
      from: "Other <hi@other-brand.test>",
      to: "reader@example.com",
      subject: "Hi",
      text: "Hi",
    });
    expect(refused.error).toMatchObject({ statusCode: 403, name: "validation_error" });
    expect(refused.error!.message).toContain("can only send from acme.test");
    expect(await mailkitCredits(customerId)).toEqual(before);
    expect(await db.emailSend.count({ where: { userId: user.id } })).toBe(0);

    const allowed = await resend.emails.send({
      from: "Acme <hi@acme.test>",
      to: "reader@example.com",
      subject: "Hi",
      text: "Hi",
    });
    expect(allowed.error).toBeNull();
  });

  it("a key can be restricted only to one of the owner's verified domains, and only a sending key", async () => {
    const { user } = await createFundedUser(world, 0, "restrict", { domain: "restrict-own.test" });
    await expect(
      createApiKey(user.id, { name: "k", permission: "sending_access", domain: "someone-else.test" }),
    ).rejects.toBeInstanceOf(KeyDomainError);
    await expect(
      createApiKey(user.id, { name: "k", permission: "full_access", domain: "restrict-own.test" }),
    ).rejects.toBeInstanceOf(KeyDomainError);
    const key = await createApiKey(user.id, { name: "k", permission: "sending_access", domain: "restrict-own.test" });
    expect(key.domain).toBe("restrict-own.test");
  });

  it("renames the owner's key only", async () => {
    const { user, key } = await customerWithKey(0);
    const other = await db.user.create({ data: { email: `other-${Date.now()}@example.com` } });
    expect(await renameApiKey(other.id, key.id, "stolen")).toBe(false);
    expect(await renameApiKey(user.id, key.id, "Production")).toBe(true);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).name).toBe("Production");
  });
});

describe("open and click tracking", () => {
  it("reaches Resend through domains.update and is remembered on the domain", async () => {
    const { user } = await createFundedUser(world, 0, "tracking", { domain: "tracked.test" });
    const domain = await db.senderDomain.findUniqueOrThrow({ where: { name: "tracked.test" } });
    await setDomainTracking(user.id, domain.id, { openTracking: true, clickTracking: false });
    expect(world.emulators.resend.domains.find("tracked.test")).toMatchObject({
      open_tracking: true,
      click_tracking: false,
    });
    await setDomainTracking(user.id, domain.id, { openTracking: false, clickTracking: true });
    expect(world.emulators.resend.domains.find("tracked.test")).toMatchObject({
      open_tracking: false,
      click_tracking: true,
    });
    expect(await db.senderDomain.findUniqueOrThrow({ where: { id: domain.id } })).toMatchObject({
      openTracking: false,
      clickTracking: true,
    });
  });

  it("Resend reports opens only for a tracked domain, and the deliverability figures count them", async () => {
    const { user, resend } = await customerWithKey(5);
    await verifyTestDomain(world, user.id, "acme.test");
    const domain = await db.senderDomain.findUniqueOrThrow({ where: { name: "acme.test" } });
    await setDomainTracking(user.id, domain.id, { openTracking: true, clickTracking: false });
    const sent = await resend.emails.send({
      from: "Acme <hi@acme.test>",
      to: "reader@example.com",
      subject: "Hi",
      text: "Hi",
    });
    expect(sent.error).toBeNull();
    await deliverQueued();
    const delivered = async () => db.emailEvent.count({ where: { sendId: sent.data!.id, type: "email.delivered" } });
    const until = async (check: () => Promise<number>) => {
      const deadline = Date.now() + 10_000;
      while ((await check()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return check();
    };
    expect(await until(delivered)).toBe(1);
    const { resendId } = await db.emailSend.findUniqueOrThrow({ where: { id: sent.data!.id } });
    const control = `${process.env.EMULATOR_URL}/_emulator/resend/messages/${resendId}`;
    expect((await fetch(`${control}/click`, { method: "POST" })).status).toBe(409); // click tracking is off
    expect((await fetch(`${control}/open`, { method: "POST" })).status).toBe(200);
    const opened = () => db.emailEvent.count({ where: { sendId: sent.data!.id, type: "email.opened" } });
    expect(await until(opened)).toBe(1);
    const rows = await deliverabilityRows(user.id, 1);
    expect(rows).toEqual([expect.objectContaining({ domain: "acme.test", delivered: 1, opened: 1, clicked: 0 })]);
  });
});
