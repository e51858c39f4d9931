import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { LOCAL_DEFAULTS } from "@/lib/env";
import { emailOptions, resendClient, withResendEmulator, type ReceivedWebhook } from "@/emulators/resend/test-harness";

// Resend's Webhooks API through the SDK: each registered endpoint gets only its subscribed events, signed with its
// own secret; a fresh emulator has the dashboard-configured webhook to the app.

const emu = withResendEmulator();

function verify(hook: ReceivedWebhook, secret: string): unknown {
  return new Webhook(secret).verify(hook.body, {
    "webhook-id": String(hook.headers["svix-id"]),
    "webhook-timestamp": String(hook.headers["svix-timestamp"]),
    "webhook-signature": String(hook.headers["svix-signature"]),
  });
}

async function send(to: string): Promise<string> {
  const { data, error } = await resendClient(emu.url).emails.send(emailOptions({ to }));
  expect(error).toBeNull();
  await emu.resend.idle();
  return data!.id;
}

const typesAt = (path: string, emailId: string) =>
  emu.receiver.received
    .filter((h) => h.path === path && h.payload.data.email_id === emailId)
    .map((h) => h.payload.type);

describe("Resend's webhooks API", () => {
  it("a fresh emulator lists the dashboard-configured webhook to the app, with every email and domain event", async () => {
    const resend = resendClient(emu.url);
    const { data, error } = await resend.webhooks.list();
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(1);
    const hook = data!.data[0]!;
    expect(hook).toMatchObject({ endpoint: `${emu.receiver.url}/api/webhooks/resend`, status: "enabled" });
    expect(hook.events).toEqual(expect.arrayContaining(["email.sent", "email.delivered", "domain.updated"]));
    expect(hook.events!.every((e) => e.startsWith("email.") || e.startsWith("domain."))).toBe(true);
    expect((await resend.webhooks.get(hook.id)).data!.signing_secret).toBe(LOCAL_DEFAULTS.resendWebhookSecret);
  });

  it("create, list, get, update, rotate and remove through the SDK", async () => {
    const resend = resendClient(emu.url);
    const created = await resend.webhooks.create({
      endpoint: `${emu.receiver.url}/hooks/a`,
      events: ["email.delivered", "email.bounced"],
    });
    expect(created.error).toBeNull();
    expect(created.data).toMatchObject({ object: "webhook", id: expect.any(String) });
    expect(created.data!.signing_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const id = created.data!.id;

    const list = await resend.webhooks.list({ limit: 1 });
    expect(list.data).toMatchObject({ object: "list", has_more: true });
    expect(list.data!.data.map((w) => w.id)).toEqual([id]); // newest first
    expect(list.data!.data[0]).not.toHaveProperty("signing_secret");

    const got = await resend.webhooks.get(id);
    expect(got.data).toMatchObject({
      object: "webhook",
      id,
      endpoint: `${emu.receiver.url}/hooks/a`,
      status: "enabled",
      events: ["email.delivered", "email.bounced"],
      signing_secret: created.data!.signing_secret,
      created_at: expect.any(String),
    });

    const updated = await resend.webhooks.update(id, { events: ["email.delivered"], status: "disabled" });
    expect(updated.data).toEqual({ object: "webhook", id });
    expect((await resend.webhooks.get(id)).data).toMatchObject({ events: ["email.delivered"], status: "disabled" });

    const rotated = await resend.webhooks.rotateSigningSecret(id);
    expect(rotated.data!.signing_secret).toMatch(/^whsec_/);
    expect(rotated.data!.signing_secret).not.toBe(created.data!.signing_secret);

    expect((await resend.webhooks.remove(id)).data).toEqual({ object: "webhook", id, deleted: true });
    expect((await resend.webhooks.get(id)).error).toMatchObject({ statusCode: 404, name: "not_found" });
    expect((await resend.webhooks.remove(id)).error).toMatchObject({ statusCode: 404 });
  });

  it("refuses bad input with Resend's errors and stores nothing", async () => {
    const resend = resendClient(emu.url);
    const cases = [
      [{ events: ["email.sent"] }, 422, "missing_required_field"],
      [{ endpoint: "not a url", events: ["email.sent"] }, 422, "validation_error"],
      [{ endpoint: `${emu.receiver.url}/x` }, 422, "missing_required_field"],
      [{ endpoint: `${emu.receiver.url}/x`, events: [] }, 422, "validation_error"],
      [{ endpoint: `${emu.receiver.url}/x`, events: ["email.teleported"] }, 422, "validation_error"],
    ] as const;
    for (const [body, statusCode, name] of cases) {
      const { error } = await resend.webhooks.create(body as never);
      expect(error, JSON.stringify(body)).toMatchObject({ statusCode, name });
    }
    const [only] = (await resend.webhooks.list()).data!.data;
    expect((await resend.webhooks.update(only!.id, { status: "paused" as never })).error).toMatchObject({
      statusCode: 422,
    });
    expect((await resend.webhooks.list()).data!.data).toHaveLength(1);
  });

  it("each endpoint receives only its subscribed events, signed with its own secret", async () => {
    const resend = resendClient(emu.url);
    const [app] = (await resend.webhooks.list()).data!.data;
    await resend.webhooks.update(app!.id, { events: ["email.delivered", "email.bounced"] });
    const other = await resend.webhooks.create({ endpoint: `${emu.receiver.url}/other`, events: ["email.sent"] });
    const otherSecret = other.data!.signing_secret;

    const id = await send("delivered@resend.dev");
    expect(typesAt("/api/webhooks/resend", id)).toEqual(["email.delivered"]);
    expect(typesAt("/other", id)).toEqual(["email.sent"]);
    for (const hook of emu.receiver.received.filter((h) => h.path === "/other"))
      expect(verify(hook, otherSecret)).toMatchObject({ type: "email.sent", data: { email_id: id } });
    const appHook = emu.receiver.received.find((h) => h.path === "/api/webhooks/resend")!;
    expect(verify(appHook, LOCAL_DEFAULTS.resendWebhookSecret)).toMatchObject({ type: "email.delivered" });
    expect(() => verify(appHook, otherSecret)).toThrow();
    // The email itself went through every step whoever listens.
    expect(emu.resend.message(id)!.events.map((e) => e.type)).toEqual(["email.sent", "email.delivered"]);
  });

  it("a disabled webhook receives nothing; domain events follow the same subscriptions", async () => {
    const resend = resendClient(emu.url);
    const [app] = (await resend.webhooks.list()).data!.data;
    await resend.webhooks.update(app!.id, { status: "disabled" });
    const domains = await resend.webhooks.create({
      endpoint: `${emu.receiver.url}/domains`,
      events: ["domain.created"],
    });
    expect(domains.error).toBeNull();

    const id = await send("delivered@resend.dev");
    await resend.domains.create({ name: "hooks.example.com" });
    await emu.resend.idle();
    expect(typesAt("/api/webhooks/resend", id)).toEqual([]);
    expect(emu.receiver.received.map((h) => `${h.path} ${h.payload.type}`)).toEqual(["/domains domain.created"]);
  });

  it("the control plane's webhookUrl moves the dashboard-configured webhook; null removes it", async () => {
    const resend = resendClient(emu.url);
    await emu.control("POST", "/settings", { webhookUrl: `${emu.receiver.url}/moved` });
    expect((await resend.webhooks.list()).data!.data.map((w) => w.endpoint)).toEqual([`${emu.receiver.url}/moved`]);
    await emu.control("POST", "/settings", { webhookUrl: null });
    expect((await resend.webhooks.list()).data!.data).toEqual([]);
    const id = await send("delivered@resend.dev");
    expect(emu.receiver.received.filter((h) => h.payload.data.email_id === id)).toEqual([]);
  });
});
