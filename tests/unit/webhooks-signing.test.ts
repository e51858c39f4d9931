import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";

import { emailEventPayload } from "@/lib/webhooks/events";
import { maskSecret, newEventId, newSigningSecret, signedHeaders } from "@/lib/webhooks/signing";

/** Customer webhook signatures are Standard Webhooks: the `standardwebhooks` package verifies them. */

describe("signing", () => {
  const body = JSON.stringify({ type: "email.sent", created_at: "2026-12-01T10:00:00.000Z", data: { email_id: "x" } });

  it("new secrets are whsec_<base64> of 24 random bytes, and differ", () => {
    const a = newSigningSecret();
    const b = newSigningSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(24);
    expect(a).not.toBe(b);
  });

  it("signed headers verify with standardwebhooks and return the payload", () => {
    const secret = newSigningSecret();
    const id = newEventId();
    const headers = signedHeaders(secret, id, body);
    expect(headers["webhook-id"]).toBe(id);
    expect(headers["webhook-signature"]).toMatch(/^v1,/);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
  });

  it("a changed body, another secret or an old timestamp does not verify", () => {
    const secret = newSigningSecret();
    const headers = signedHeaders(secret, newEventId(), body);
    expect(() => new Webhook(secret).verify(body.replace("x", "y"), headers)).toThrow();
    expect(() => new Webhook(newSigningSecret()).verify(body, headers)).toThrow();
    const old = signedHeaders(secret, newEventId(), body, new Date(Date.now() - 3600_000));
    expect(() => new Webhook(secret).verify(body, old)).toThrow(/too old/);
  });

  it("event ids look like msg_… and masks hide the key", () => {
    expect(newEventId()).toMatch(/^msg_[0-9a-f]{32}$/);
    const secret = newSigningSecret();
    expect(maskSecret(secret)).toMatch(/^whsec_.{4}….{4}$/);
    expect(maskSecret(secret)).not.toContain(secret.slice(10, 30));
  });
});

describe("payloads", () => {
  const send = {
    id: "5f1c0d4e-0000-4000-8000-000000000001",
    fromAddress: "Acme <hi@acme.test>",
    to: ["a@example.com", "b@example.com"],
    subject: "Hello",
    createdAt: new Date("2026-12-01T10:00:00Z"),
    tags: { campaign: "welcome" },
  };

  it("email events mirror Resend's shape with MailKit's id", () => {
    const event = emailEventPayload("email.delivered", send, new Date("2026-12-01T10:00:05Z"), {
      to: ["a@example.com"],
    });
    expect(event).toEqual({
      type: "email.delivered",
      created_at: "2026-12-01T10:00:05.000Z",
      data: {
        created_at: "2026-12-01T10:00:00.000Z",
        email_id: send.id,
        message_id: `<${send.id}@mailkit>`,
        from: send.fromAddress,
        to: ["a@example.com"],
        subject: "Hello",
        tags: { campaign: "welcome" },
      },
    });
  });

  it("bounced, suppressed and failed carry their detail", () => {
    const at = new Date();
    const bounce = { type: "Permanent", subType: "General", message: "550" };
    expect(emailEventPayload("email.bounced", send, at, { bounce }).data).toMatchObject({ bounce });
    const suppressed = { type: "OnAccountSuppressionList", message: "m" };
    expect(emailEventPayload("email.suppressed", send, at, { suppressed }).data).toMatchObject({ suppressed });
    expect(emailEventPayload("email.failed", send, at, { failed: { reason: "refused" } }).data).toMatchObject({
      failed: { reason: "refused" },
      to: send.to,
    });
  });
});
