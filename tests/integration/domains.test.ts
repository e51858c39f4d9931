import { Resend } from "resend";
import { beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/keys/api-keys";
import { ensureDodoCustomer } from "@/lib/billing/customer";
import { db } from "@/lib/db";
import { pollDomains } from "@/lib/domains";
import { getEnv } from "@/lib/env";
import { getResend } from "@/lib/resend/client";
import { composerValues, sendFromComposer } from "@/lib/sending/dashboard";
import { parseComposerForm } from "@/lib/sending/composer-schema";

import { createFundedUser, deliverQueued, mailkitCredits, withTestWorld, type TestWorld } from "./helpers/environment";

/**
 * Sender domains through the official `resend` SDK pointed at MailKit's public API, with the Resend
 * emulator behind MailKit: add → DNS records → publish in the emulator → verify → verified (Resend's
 * domain.updated webhook); break → failed; a domain belongs to one customer; `from` must be on a verified
 * domain (403 before anything is held); the onboarding rule for the shared sender.
 */

const world = withTestWorld();
// Resend refuses unverified senders too: what MailKit verified must be verified at Resend.
beforeAll(() => world.emulators.resend.setEnforceVerifiedDomains(true));

async function customer(label: string, { domain = null as string | null, credits = 10 } = {}) {
  const { user, customerId } = await createFundedUser(world, credits, label, { domain });
  const key = await createApiKey(user.id, { name: "domains", permission: "full_access", rateLimitPerSecond: 1000 });
  return { user, customerId, token: key.token, sdk: new Resend(key.token, { baseUrl: world.app.apiBase }) };
}

async function waitForStatus(sdk: Resend, id: string, status: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = "";
  while (Date.now() < until) {
    const { data } = await sdk.domains.get(id);
    last = data?.status ?? "missing";
    if (last === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`domain ${id} stayed ${last}, expected ${status}`);
}

const publish = (w: TestWorld, name: string) =>
  w.emulators.resend.domains.publish(w.emulators.resend.domains.find(name)!);
const breakDns = (w: TestWorld, name: string) =>
  w.emulators.resend.domains.breakRecords(w.emulators.resend.domains.find(name)!);

async function sendsOf(userId: string) {
  return db.emailSend.count({ where: { userId } });
}

describe("domain lifecycle through resend.domains.* against MailKit", () => {
  it("add → records → publish → verify → verified; then break → failed; remove", async () => {
    const { sdk } = await customer("lifecycle");
    const created = await sdk.domains.create({ name: "Mail.Lifecycle.test" });
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({
      object: "domain",
      name: "mail.lifecycle.test",
      status: "not_started",
      region: "us-east-1",
    });
    const records = created.data!.records;
    expect(records.map((r) => `${r.record} ${r.type}`)).toEqual(["SPF MX", "SPF TXT", "DKIM TXT", "DMARC TXT"]);
    const id = created.data!.id;
    expect(world.emulators.resend.domains.find("mail.lifecycle.test")).toBeDefined();

    expect((await sdk.domains.verify(id)).data).toEqual({ object: "domain", id });
    expect((await sdk.domains.get(id)).data!.status).toBe("pending");

    publish(world, "mail.lifecycle.test");
    await waitForStatus(sdk, id, "verified"); // Resend's domain.updated webhook moved it
    const verified = await sdk.domains.get(id);
    expect(verified.data!.records.every((r) => r.status === "verified")).toBe(true);
    expect((await sdk.domains.list()).data).toMatchObject({
      object: "list",
      has_more: false,
      data: [{ id, name: "mail.lifecycle.test", status: "verified" }],
    });

    breakDns(world, "mail.lifecycle.test");
    await waitForStatus(sdk, id, "failed");

    expect((await sdk.domains.remove(id)).data).toEqual({ object: "domain", id, deleted: true });
    expect((await sdk.domains.get(id)).error).toMatchObject({ statusCode: 404, name: "not_found" });
    expect(world.emulators.resend.domains.find("mail.lifecycle.test")).toBeUndefined();
  });

  it("polling catches up when Resend's webhook never arrives", async () => {
    const { sdk, user } = await customer("polling");
    const { data } = await sdk.domains.create({ name: "polled.test" });
    world.emulators.resend.webhooks.paused = true; // domain.updated is held at the emulator
    try {
      await sdk.domains.verify(data!.id); // records not published yet: pending, Resend keeps checking
      publish(world, "polled.test");
      const until = Date.now() + 10_000; // Resend's DNS check runs a moment after the verify request
      while (world.emulators.resend.domains.find("polled.test")!.status !== "verified" && Date.now() < until)
        await new Promise((r) => setTimeout(r, 20));
      expect((await db.senderDomain.findUniqueOrThrow({ where: { name: "polled.test" } })).status).toBe("pending");
      // The poller's turn may be taken (e.g. by the verify's own calls a moment ago): a few passes.
      for (let pass = 0; pass < 50; pass++) {
        await pollDomains(Date.now() + 60_000);
        if ((await db.senderDomain.findUniqueOrThrow({ where: { name: "polled.test" } })).status === "verified") break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const row = await db.senderDomain.findUniqueOrThrow({ where: { name: "polled.test" } });
      expect(row).toMatchObject({ userId: user.id, status: "verified" });
    } finally {
      world.emulators.resend.webhooks.resume();
    }
  });

  it("a domain removed at Resend directly (domain.deleted webhook) is gone from MailKit too", async () => {
    const { sdk } = await customer("deleted-at-resend");
    const { data } = await sdk.domains.create({ name: "gone-at-resend.test" });
    const row = await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } });
    expect((await getResend().domains.remove(row.resendId!)).error).toBeNull(); // e.g. an operator in Resend's dashboard
    await world.emulators.resend.idle();
    expect(await db.senderDomain.count({ where: { id: data!.id } })).toBe(0);
    expect((await sdk.domains.get(data!.id)).error).toMatchObject({ statusCode: 404 });
  });

  it("refuses a bad name, MailKit's shared domain, and a domain another customer holds (with a clear message)", async () => {
    const first = await customer("owner");
    const second = await customer("claimer");
    await first.sdk.domains.create({ name: "claimed.test" });

    const claim = await second.sdk.domains.create({ name: "CLAIMED.test" });
    expect(claim.error).toMatchObject({
      statusCode: 403,
      name: "validation_error",
      message: expect.stringContaining("claimed.test is claimed by another MailKit account but not verified"),
    });
    expect(await db.senderDomain.count({ where: { name: "claimed.test" } })).toBe(1);
    expect((await first.sdk.domains.create({ name: "claimed.test" })).error?.message).toMatch(/already added/);
    expect((await second.sdk.domains.create({ name: "not a domain" })).error).toMatchObject({ statusCode: 422 });
    const shared = getEnv().EMAIL_FROM.split("@")[1]!.replace(">", "");
    expect((await second.sdk.domains.create({ name: shared })).error).toMatchObject({ statusCode: 422 });
  });

  it("scopes ids to the key's owner (another customer's domain is a 404) and needs a full-access key", async () => {
    const owner = await customer("scoped-owner");
    const other = await customer("scoped-other");
    const { data } = await owner.sdk.domains.create({ name: "scoped.test" });
    expect((await other.sdk.domains.get(data!.id)).error).toMatchObject({ statusCode: 404 });
    expect((await other.sdk.domains.verify(data!.id)).error).toMatchObject({ statusCode: 404 });
    expect((await other.sdk.domains.remove(data!.id)).error).toMatchObject({ statusCode: 404 });
    expect((await other.sdk.domains.list()).data!.data).toEqual([]);
    expect(await db.senderDomain.count({ where: { name: "scoped.test" } })).toBe(1);

    const sendingKey = await createApiKey(owner.user.id, { name: "send-only", permission: "sending_access" });
    const restricted = new Resend(sendingKey.token, { baseUrl: world.app.apiBase });
    expect((await restricted.domains.list()).error).toMatchObject({ statusCode: 401, name: "restricted_api_key" });
    expect((await restricted.domains.create({ name: "nope.test" })).error).toMatchObject({ statusCode: 401 });
  });
});

describe("`from` must be on a verified domain", () => {
  it("API: an unverified from is a 403 naming the domain, nothing held or queued; a verified one is sent", async () => {
    const { sdk, user, customerId } = await customer("from-api", { domain: "verified-api.test" });
    await sdk.domains.create({ name: "pending-api.test" }); // added, never verified
    const before = await mailkitCredits(customerId);

    for (const from of ["Acme <hello@pending-api.test>", "hello@nobody-api.test"]) {
      const refused = await sdk.emails.send({ from, to: "ada@example.com", subject: "Hi", text: "Hi" });
      const domain = from.includes("pending") ? "pending-api.test" : "nobody-api.test";
      expect(refused.error).toMatchObject({
        statusCode: 403,
        name: "validation_error",
        message: expect.stringContaining(`The ${domain} domain is not verified`),
      });
    }
    const batch = await sdk.batch.send([
      { from: "hello@verified-api.test", to: "a@example.com", subject: "Hi", text: "Hi" },
      { from: "hello@pending-api.test", to: "b@example.com", subject: "Hi", text: "Hi" },
    ]);
    expect(batch.error).toMatchObject({
      statusCode: 403,
      message: expect.stringMatching(/^emails\[1\]: The pending-api/),
    });
    expect(await mailkitCredits(customerId)).toEqual(before);
    expect(await sendsOf(user.id)).toBe(0);

    const sent = await sdk.emails.send({
      from: "Acme <hi@verified-api.test>",
      to: "ada@example.com",
      subject: "Hi",
      text: "Hi",
    });
    expect(sent.error).toBeNull();
    expect(await sendsOf(user.id)).toBe(1);
    // Resend (enforcing verified senders here) accepts it: the domain MailKit verified is verified there.
    await deliverQueued();
    const row = await db.emailSend.findUniqueOrThrow({ where: { id: sent.data!.id } });
    expect(row.status).toMatch(/^(sent|delivered)$/);
    const at = world.emulators.resend.messages({ to: "ada@example.com" });
    expect(at.map((m) => m.from)).toContain("Acme <hi@verified-api.test>");
  });

  it("composer: an unverified from is a field error naming the domain, nothing held or queued", async () => {
    const { user, customerId } = await customer("from-composer", { domain: "verified-composer.test" });
    const before = await mailkitCredits(customerId);
    const form = (from: string, to = "ada@example.com") => {
      const data = new FormData();
      for (const [k, v] of Object.entries({ from, to, subject: "Hi", format: "text", body: "Hello" })) data.set(k, v);
      return data;
    };
    const compose = async (data: FormData) => {
      const parsed = parseComposerForm(data);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.fieldErrors));
      const values = composerValues(Object.fromEntries(data) as Record<string, string>);
      return sendFromComposer(user, parsed.value, values, ensureDodoCustomer);
    };
    const refused = await compose(form("Acme <hi@unverified-composer.test>"));
    expect(refused).toMatchObject({
      status: "invalid",
      fieldErrors: { from: expect.stringContaining("The unverified-composer.test domain is not verified") },
    });
    expect(await mailkitCredits(customerId)).toEqual(before);
    expect(await sendsOf(user.id)).toBe(0);
    expect(await compose(form("Acme <hi@verified-composer.test>"))).toMatchObject({ status: "sent" });
  });

  it("onboarding: before a verified domain, the shared sender reaches only the owner's own address", async () => {
    const { sdk, user, customerId } = await customer("onboarding");
    const shared = getEnv().EMAIL_FROM;
    const before = await mailkitCredits(customerId);

    const toOthers = await sdk.emails.send({ from: shared, to: ["ada@example.com"], subject: "Hi", text: "Hi" });
    expect(toOthers.error).toMatchObject({
      statusCode: 403,
      name: "validation_error",
      message: expect.stringContaining(`to your own email address (${user.email})`),
    });
    const ownPlusCc = await sdk.emails.send({
      from: shared,
      to: user.email,
      cc: "x@example.com",
      subject: "Hi",
      text: "Hi",
    });
    expect(ownPlusCc.error).toMatchObject({ statusCode: 403 });
    expect(await mailkitCredits(customerId)).toEqual(before);

    const toSelf = await sdk.emails.send({ from: shared, to: user.email.toUpperCase(), subject: "Hi", text: "Hi" });
    expect(toSelf.error).toBeNull();

    // Once a domain is verified, the shared sender is for onboarding no more.
    const { data } = await sdk.domains.create({ name: "onboarded.test" });
    publish(world, "onboarded.test");
    await sdk.domains.verify(data!.id);
    await waitForStatus(sdk, data!.id, "verified");
    const afterwards = await sdk.emails.send({ from: shared, to: user.email, subject: "Hi", text: "Hi" });
    expect(afterwards.error).toMatchObject({ statusCode: 403, message: expect.stringContaining("onboarded.test") });
    const own = await sdk.emails.send({ from: "hi@onboarded.test", to: "ada@example.com", subject: "Hi", text: "Hi" });
    expect(own.error).toBeNull();
  });

  it("a removed or failed domain can no longer be sent from", async () => {
    const { sdk } = await customer("lost", { domain: "lost.test" });
    const ok = await sdk.emails.send({ from: "hi@lost.test", to: "ada@example.com", subject: "Hi", text: "Hi" });
    expect(ok.error).toBeNull();
    const row = await db.senderDomain.findUniqueOrThrow({ where: { name: "lost.test" } });
    breakDns(world, "lost.test");
    await waitForStatus(sdk, row.id, "failed");
    const refused = await sdk.emails.send({ from: "hi@lost.test", to: "ada@example.com", subject: "Hi", text: "Hi" });
    expect(refused.error).toMatchObject({ statusCode: 403, message: expect.stringContaining("lost.test") });
  });
});
