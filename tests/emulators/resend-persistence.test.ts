import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  emailOptions,
  resendClient,
  startAllEmulators,
  startWebhookReceiver,
  type WebhookReceiver,
} from "@/emulators/resend/test-harness";

// State under stateDir survives a restart: messages, idempotency records, pending events, the webhook log, domains.

let receiver: WebhookReceiver;
let stateDir: string;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  stateDir = mkdtempSync(join(tmpdir(), "resend-emulator-"));
});
afterAll(async () => {
  await receiver.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const email = emailOptions({ to: "delivered@resend.dev", subject: "Persist", html: "<p>x</p>" });

describe("persistence across restart", () => {
  it("keeps messages, idempotency keys and the delivery log", async () => {
    const first = await startAllEmulators({ appUrl: receiver.url, stateDir });
    const sent = await resendClient(first.url).emails.send(email, { idempotencyKey: "persist/1" });
    expect(sent.error).toBeNull();
    await first.resend.idle();
    await first.close();

    const second = await startAllEmulators({ appUrl: receiver.url, stateDir });
    try {
      const resend = resendClient(second.url);
      const got = await resend.emails.get(sent.data!.id);
      expect(got.data).toMatchObject({ id: sent.data!.id, subject: "Persist", last_event: "delivered" });
      const replay = await resend.emails.send(email, { idempotencyKey: "persist/1" });
      expect(replay.data).toEqual(sent.data);
      expect(second.resend.messages()).toHaveLength(1);
      expect(second.resend.webhooks.deliveries.map((d) => d.type)).toEqual(["email.sent", "email.delivered"]);
    } finally {
      await second.resend.reset();
      await second.close();
    }
  });

  it("keeps domains, their DNS state and the verified-from setting; a DNS check due at stop runs after restart", async () => {
    const first = await startAllEmulators({ appUrl: receiver.url, stateDir, resend: { domainCheckDelayMs: 60_000 } });
    const resend = resendClient(first.url);
    const { data } = await resend.domains.create({ name: "persist.example" });
    first.resend.setEnforceVerifiedDomains(true);
    first.resend.domains.publish(first.resend.domains.find("persist.example")!);
    await resend.domains.verify(data!.id); // the check is a minute away: still pending at stop
    expect((await resend.domains.get(data!.id)).data!.status).toBe("pending");
    await first.close();

    const second = await startAllEmulators({ appUrl: receiver.url, stateDir, resend: { domainCheckDelayMs: 5 } });
    try {
      await second.resend.idle();
      const got = await resendClient(second.url).domains.get(data!.id);
      expect(got.data).toMatchObject({ name: "persist.example", status: "verified" });
      const refused = await resendClient(second.url).emails.send(emailOptions({ from: "a@elsewhere.example" }));
      expect(refused.error).toMatchObject({ statusCode: 403 });
    } finally {
      await second.resend.reset();
      await second.close();
    }
  });

  it("fires events that were still pending when the emulator stopped", async () => {
    const first = await startAllEmulators({ appUrl: receiver.url, stateDir, resend: { eventDelayMs: 300 } });
    const sent = await resendClient(first.url).emails.send(email);
    await first.close(); // before email.sent was due
    expect(receiver.received.filter((w) => w.payload.data.email_id === sent.data!.id)).toHaveLength(0);

    const second = await startAllEmulators({ appUrl: receiver.url, stateDir, resend: { eventDelayMs: 300 } });
    try {
      await second.resend.idle();
      expect(second.resend.message(sent.data!.id)!.last_event).toBe("delivered");
      const hooks = await receiver.waitFor(
        (all) => all.filter((w) => w.payload.data.email_id === sent.data!.id).length === 2,
      );
      expect(hooks.filter((w) => w.payload.data.email_id === sent.data!.id).map((w) => w.payload.type)).toEqual([
        "email.sent",
        "email.delivered",
      ]);
    } finally {
      await second.resend.reset();
      await second.close();
    }
  });
});
