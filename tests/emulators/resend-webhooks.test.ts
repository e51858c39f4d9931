import type { CreateEmailOptions } from "resend";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { LOCAL_DEFAULTS } from "@/lib/env";
import {
  emailOptions,
  resendClient,
  startAllEmulators,
  withResendEmulator,
  type ReceivedWebhook,
} from "@/emulators/resend/test-harness";

// Resend's test recipients produce the matching delivery events, sent as Svix-signed webhooks to the app.

const emu = withResendEmulator();

const email = (to: string | string[], over: Partial<CreateEmailOptions> = {}) =>
  emailOptions({ to, subject: "Events", html: "<p>x</p>", tags: [{ name: "send_id", value: "s1" }] }, over);

async function sendAndCollect(to: string | string[]): Promise<{ id: string; hooks: ReceivedWebhook[] }> {
  const { data, error } = await resendClient(emu.url).emails.send(email(to));
  expect(error).toBeNull();
  await emu.resend.idle();
  return { id: data!.id, hooks: emu.receiver.received.filter((w) => w.payload.data.email_id === data!.id) };
}

/** Verifies a received webhook with standardwebhooks, mapping Svix's header names. */
function verify(hook: ReceivedWebhook, secret: string = LOCAL_DEFAULTS.resendWebhookSecret): unknown {
  return new Webhook(secret).verify(hook.body, {
    "webhook-id": String(hook.headers["svix-id"]),
    "webhook-timestamp": String(hook.headers["svix-timestamp"]),
    "webhook-signature": String(hook.headers["svix-signature"]),
  });
}

describe("test recipients → webhook events", () => {
  it("delivered@resend.dev: email.sent then email.delivered, signed, to /api/webhooks/resend", async () => {
    const { id, hooks } = await sendAndCollect("delivered@resend.dev");
    expect(hooks.map((h) => h.payload.type)).toEqual(["email.sent", "email.delivered"]);
    for (const hook of hooks) {
      expect(hook.path).toBe("/api/webhooks/resend");
      expect(String(hook.headers["svix-id"])).toMatch(/^msg_/);
      expect(verify(hook)).toMatchObject({ type: hook.payload.type });
    }
    expect(hooks[0]!.payload).toMatchObject({
      type: "email.sent",
      created_at: expect.stringMatching(/Z$/),
      data: {
        email_id: id,
        from: "MailKit <noreply@mailkit.dev>",
        to: ["delivered@resend.dev"],
        subject: "Events",
        tags: { send_id: "s1" },
        created_at: expect.any(String),
      },
    });
    // The SDK's own verifier accepts them too.
    const resend = resendClient(emu.url);
    const h = hooks[1]!;
    expect(() =>
      resend.webhooks.verify({
        payload: h.body,
        headers: {
          id: String(h.headers["svix-id"]),
          timestamp: String(h.headers["svix-timestamp"]),
          signature: String(h.headers["svix-signature"]),
        },
        webhookSecret: LOCAL_DEFAULTS.resendWebhookSecret,
      }),
    ).not.toThrow();
    expect((await resend.emails.get(id)).data?.last_event).toBe("delivered");
  });

  it("labels work (delivered+anything@resend.dev), any other address is delivered", async () => {
    expect((await sendAndCollect("delivered+signup@resend.dev")).hooks.map((h) => h.payload.type)).toEqual([
      "email.sent",
      "email.delivered",
    ]);
    expect((await sendAndCollect("someone@example.com")).hooks.map((h) => h.payload.type)).toEqual([
      "email.sent",
      "email.delivered",
    ]);
  });

  it("bounced@resend.dev: email.sent then email.bounced with a bounce object", async () => {
    const { id, hooks } = await sendAndCollect("bounced+x@resend.dev");
    expect(hooks.map((h) => h.payload.type)).toEqual(["email.sent", "email.bounced"]);
    expect(hooks[1]!.payload.data).toMatchObject({
      bounce: { type: "Permanent", subType: expect.any(String), message: expect.stringContaining("550") },
    });
    expect((await resendClient(emu.url).emails.get(id)).data?.last_event).toBe("bounced");
  });

  it("complained@resend.dev: email.sent, email.delivered, then email.complained", async () => {
    const { id, hooks } = await sendAndCollect("complained@resend.dev");
    expect(hooks.map((h) => h.payload.type)).toEqual(["email.sent", "email.delivered", "email.complained"]);
    expect((await resendClient(emu.url).emails.get(id)).data?.last_event).toBe("complained");
  });

  it("events are recorded on the message with their webhook ids, and in the delivery log", async () => {
    const { id } = await sendAndCollect("bounced@resend.dev");
    const message = emu.resend.message(id)!;
    expect(message.events.map((e) => e.type)).toEqual(["email.sent", "email.bounced"]);
    const { json: log } = await emu.control<{
      data: { id: string; type: string; state: string; payload: { data: { email_id: string } } }[];
    }>("GET", "/webhooks");
    const mine = log.data.filter((d) => d.payload.data.email_id === id);
    expect(mine.map((d) => d.type)).toEqual(["email.bounced", "email.sent"]); // newest first
    expect(mine.every((d) => d.state === "delivered")).toBe(true);
    expect(message.events.map((e) => e.webhook_id).sort()).toEqual(mine.map((d) => d.id).sort());
  });

  it("retries a failing endpoint with the same svix-id", async () => {
    emu.receiver.status = 500;
    const fast = await startAllEmulators({ appUrl: emu.receiver.url, resend: { webhookRetryDelaysMs: [5, 5] } }); // 3 attempts
    try {
      const { error } = await resendClient(fast.url).emails.send(email("delivered@resend.dev"));
      expect(error).toBeNull();
      // 3 attempts each for email.sent and email.delivered, all failing.
      const hooks = await emu.receiver.waitFor((all) => all.length >= 6);
      const sent = hooks.filter((h) => h.payload.type === "email.sent");
      expect(sent).toHaveLength(3);
      expect(new Set(sent.map((h) => h.headers["svix-id"])).size).toBe(1);
      await fast.resend.webhooks.idle({ retries: true });
      expect(fast.resend.webhooks.deliveries.map((d) => d.state)).toEqual(["failed", "failed"]);
    } finally {
      await fast.close();
    }
  });

  it("webhookUrl: null sends nothing but still records events", async () => {
    const silent = await startAllEmulators({ appUrl: emu.receiver.url, resend: { webhookUrl: null } });
    try {
      const { data } = await resendClient(silent.url).emails.send(email("delivered@resend.dev"));
      await silent.resend.idle();
      expect(silent.resend.message(data!.id)!.last_event).toBe("delivered");
      expect(emu.receiver.received.filter((w) => w.payload.data.email_id === data!.id)).toHaveLength(0);
    } finally {
      await silent.close();
    }
  });
});
