import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { LOCAL_DEFAULTS } from "@/lib/env";
import { emailOptions, resendClient, withResendEmulator, type ReceivedWebhook } from "@/emulators/resend/test-harness";

// The Domains API through the `resend` SDK, the simulated DNS (control plane publish / break), domain.* webhooks
// and the switchable verified-`from` check.

const emu = withResendEmulator();

function verify(hook: ReceivedWebhook): unknown {
  return new Webhook(LOCAL_DEFAULTS.resendWebhookSecret).verify(hook.body, {
    "webhook-id": String(hook.headers["svix-id"]),
    "webhook-timestamp": String(hook.headers["svix-timestamp"]),
    "webhook-signature": String(hook.headers["svix-signature"]),
  });
}

const domainHooks = () => emu.receiver.received.filter((w) => String(w.payload.type).startsWith("domain."));

async function statusOf(id: string): Promise<string> {
  const { data } = await resendClient(emu.url).domains.get(id);
  return data!.status;
}

describe("Domains API", () => {
  it("create answers Resend's shape with SPF MX/TXT, DKIM and DMARC records, all not_started", async () => {
    const resend = resendClient(emu.url);
    const { data, error } = await resend.domains.create({ name: "Example.COM", region: "eu-west-1" });
    expect(error).toBeNull();
    expect(data).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: "example.com",
      status: "not_started",
      region: "eu-west-1",
      created_at: expect.any(String),
      capabilities: { sending: "enabled", receiving: "disabled" },
    });
    expect(data!.records.map((r) => `${r.record} ${r.type} ${r.name}`)).toEqual([
      "SPF MX send",
      "SPF TXT send",
      "DKIM TXT resend._domainkey",
      "DMARC TXT _dmarc",
    ]);
    expect(data!.records[0]).toMatchObject({
      value: "feedback-smtp.eu-west-1.amazonses.com",
      priority: 10,
      ttl: "Auto",
    });
    expect(data!.records[1]!.value).toBe('"v=spf1 include:amazonses.com ~all"');
    expect(data!.records[2]!.value).toMatch(/^p=[A-Za-z0-9+/=]+$/);
    expect(data!.records.every((r) => r.status === "not_started")).toBe(true);

    const got = await resend.domains.get(data!.id);
    expect(got.data).toMatchObject({ object: "domain", id: data!.id, name: "example.com", records: data!.records });
    const list = await resend.domains.list();
    expect(list.data).toMatchObject({
      object: "list",
      has_more: false,
      data: [{ id: data!.id, status: "not_started" }],
    });
  });

  it("refuses a bad name, a missing name, an unknown region and a second registration", async () => {
    const resend = resendClient(emu.url);
    expect((await resend.domains.create({ name: "not a domain" })).error).toMatchObject({
      statusCode: 422,
      name: "validation_error",
    });
    expect((await resend.domains.create({ name: "" })).error).toMatchObject({ name: "missing_required_field" });
    expect((await resend.domains.create({ name: "x.example", region: "mars-1" as "us-east-1" })).error).toMatchObject({
      statusCode: 422,
      name: "invalid_region",
    });
    await resend.domains.create({ name: "taken.example" });
    expect((await resend.domains.create({ name: "taken.example" })).error).toMatchObject({
      statusCode: 403,
      name: "validation_error",
      message: expect.stringContaining("taken.example"),
    });
    expect((await resend.domains.get("00000000-0000-4000-8000-000000000000")).error).toMatchObject({
      statusCode: 404,
      name: "not_found",
    });
  });

  it("verify → pending; publish → verified; break → failed; each change a signed domain.updated webhook", async () => {
    const resend = resendClient(emu.url);
    const { data } = await resend.domains.create({ name: "lifecycle.example" });
    const id = data!.id;

    expect((await resend.domains.verify(id)).data).toEqual({ object: "domain", id });
    await emu.resend.idle();
    expect(await statusOf(id)).toBe("pending"); // nothing published yet: Resend keeps looking

    expect((await emu.control("POST", `/domains/lifecycle.example/publish`)).status).toBe(200);
    await emu.resend.idle();
    const verified = await resend.domains.get(id);
    expect(verified.data!.status).toBe("verified");
    expect(verified.data!.records.every((r) => r.status === "verified")).toBe(true);

    expect((await emu.control("POST", `/domains/${id}/break`)).status).toBe(200);
    await emu.resend.idle();
    expect(await statusOf(id)).toBe("failed");

    const hooks = domainHooks();
    expect(hooks.map((h) => `${h.payload.type} ${(h.payload.data as { status: string }).status}`)).toEqual([
      "domain.created not_started",
      "domain.updated pending",
      "domain.updated verified",
      "domain.updated failed",
    ]);
    for (const hook of hooks) {
      expect(hook.path).toBe("/api/webhooks/resend");
      expect(verify(hook)).toMatchObject({ type: hook.payload.type, data: { id, name: "lifecycle.example" } });
    }
    expect(hooks[2]!.payload.data).toMatchObject({ region: "us-east-1", records: expect.any(Array) });
  });

  it("publish before verify: the next verify turns it verified; a break of a verified domain can be temporary", async () => {
    const resend = resendClient(emu.url);
    const { data } = await resend.domains.create({ name: "early.example" });
    await emu.control("POST", "/domains/early.example/publish");
    await emu.resend.idle();
    expect(await statusOf(data!.id)).toBe("not_started"); // Resend checks only once asked to
    await resend.domains.verify(data!.id);
    await emu.resend.idle();
    expect(await statusOf(data!.id)).toBe("verified");
    await emu.control("POST", "/domains/early.example/break", { status: "temporary_failure" });
    expect(await statusOf(data!.id)).toBe("temporary_failure");
    await emu.control("POST", "/domains/early.example/publish");
    await emu.resend.idle();
    expect(await statusOf(data!.id)).toBe("verified");
  });

  it("update and remove answer { object, id }; remove sends domain.deleted and the id is gone", async () => {
    const resend = resendClient(emu.url);
    const { data } = await resend.domains.create({ name: "gone.example" });
    expect((await resend.domains.update({ id: data!.id, openTracking: true })).data).toEqual({
      object: "domain",
      id: data!.id,
    });
    expect((await resend.domains.get(data!.id)).data!.open_tracking).toBe(true);
    expect((await resend.domains.remove(data!.id)).data).toEqual({ object: "domain", id: data!.id, deleted: true });
    expect((await resend.domains.get(data!.id)).error).toMatchObject({ statusCode: 404 });
    await emu.resend.idle();
    expect(domainHooks().map((h) => h.payload.type)).toEqual(["domain.created", "domain.updated", "domain.deleted"]);
  });

  it("the inbox's Domains page lists them with their DNS state and publish / break buttons", async () => {
    await resendClient(emu.url).domains.create({ name: "shown.example" });
    const html = await (await fetch(`${emu.url}/inbox/domains`)).text();
    expect(html).toContain("shown.example");
    expect(html).toContain("not_started");
    expect(html).toContain("DNS: unpublished");
    expect(html).toContain('data-action="publish"');
    expect(html).toContain('data-action="break"');
  });

  it("lists newest first with cursor pagination", async () => {
    const resend = resendClient(emu.url);
    for (const n of [1, 2, 3]) await resend.domains.create({ name: `page${n}.example` });
    const first = await resend.domains.list({ limit: 2 });
    expect(first.data!.data.map((d) => d.name)).toEqual(["page3.example", "page2.example"]);
    expect(first.data!.has_more).toBe(true);
    const next = await resend.domains.list({ limit: 2, after: first.data!.data[1]!.id });
    expect(next.data!.data.map((d) => d.name)).toEqual(["page1.example"]);
    expect(next.data!.has_more).toBe(false);
  });
});

describe("verified from domains (switchable)", () => {
  it("off by default: any from is accepted", async () => {
    const { error } = await resendClient(emu.url).emails.send(emailOptions({ from: "a@unverified.example" }));
    expect(error).toBeNull();
  });

  it("on: an unverified from is a 403 validation_error naming the domain; a verified one and resend.dev pass", async () => {
    const resend = resendClient(emu.url);
    const settings = await emu.control<{ data: { enforceVerifiedDomains: boolean } }>("POST", "/settings", {
      enforceVerifiedDomains: true,
    });
    expect(settings.json.data.enforceVerifiedDomains).toBe(true);

    const refused = await resend.emails.send(emailOptions({ from: "Acme <hi@acme.example>" }));
    expect(refused.error).toMatchObject({
      statusCode: 403,
      name: "validation_error",
      message:
        "The acme.example domain is not verified. Please, add and verify your domain on https://resend.com/domains",
    });
    const batch = await resend.batch.send([emailOptions({ from: "hi@acme.example" })]);
    expect(batch.error).toMatchObject({ statusCode: 403, message: expect.stringMatching(/^emails\[0\]: The acme/) });
    expect(emu.resend.messages()).toHaveLength(0);

    const { data } = await resend.domains.create({ name: "acme.example" });
    await emu.control("POST", "/domains/acme.example/publish");
    await resend.domains.verify(data!.id);
    await emu.resend.idle();
    expect((await resend.emails.send(emailOptions({ from: "Acme <hi@acme.example>" }))).error).toBeNull();
    expect((await resend.emails.send(emailOptions({ from: "onboarding@resend.dev" }))).error).toBeNull();

    // Permissive batches name the refused ones and send the others.
    const mixed = await resend.batch.send(
      [emailOptions({ from: "hi@acme.example" }), emailOptions({ from: "hi@other.example" })],
      { batchValidation: "permissive" },
    );
    expect(mixed.data).toMatchObject({ data: [{ id: expect.any(String) }], errors: [{ index: 1 }] });
  });

  it("verifiedDomains / reset: the enforcement flag goes back to its default", async () => {
    await emu.control("POST", "/settings", { enforceVerifiedDomains: true });
    await emu.control("POST", "/reset");
    const settings = await emu.control<{ data: { enforceVerifiedDomains: boolean } }>("GET", "/settings");
    expect(settings.json.data.enforceVerifiedDomains).toBe(false);
  });
});
