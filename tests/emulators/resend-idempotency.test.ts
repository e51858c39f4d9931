import type { CreateEmailOptions } from "resend";
import { describe, expect, it } from "vitest";

import { emailOptions, resendClient, startAllEmulators, withResendEmulator } from "@/emulators/resend/test-harness";

// Idempotency-Key on POST /emails and POST /emails/batch, as Resend documents it.

const emu = withResendEmulator();

const email = (over: Partial<CreateEmailOptions> = {}) =>
  emailOptions({ subject: "Sign in", html: "<p>link</p>" }, over);

describe("Idempotency-Key", () => {
  it("same key and body → the same response and a single message", async () => {
    const resend = resendClient(emu.url);
    const first = await resend.emails.send(email(), { idempotencyKey: "signin/1" });
    const second = await resend.emails.send(email(), { idempotencyKey: "signin/1" });
    expect(first.error).toBeNull();
    expect(second.data).toEqual(first.data);
    expect(emu.resend.messages()).toHaveLength(1);
    expect(emu.resend.messages()[0]!.idempotency_key).toBe("signin/1");
  });

  it("same key with a different body → 409 invalid_idempotent_request, nothing stored", async () => {
    const resend = resendClient(emu.url);
    await resend.emails.send(email(), { idempotencyKey: "signin/2" });
    const changed = await resend.emails.send(email({ subject: "Other" }), { idempotencyKey: "signin/2" });
    expect(changed.data).toBeNull();
    expect(changed.error).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });
    expect(emu.resend.messages()).toHaveLength(1);
  });

  it("keys are independent and do not leak across endpoints", async () => {
    const resend = resendClient(emu.url);
    const a = await resend.emails.send(email(), { idempotencyKey: "k/a" });
    const b = await resend.emails.send(email(), { idempotencyKey: "k/b" });
    expect(a.data!.id).not.toBe(b.data!.id);
    const batch = await resend.batch.send([email()], { idempotencyKey: "k/a" });
    expect(batch.error).toBeNull();
    expect(emu.resend.messages()).toHaveLength(3);
  });

  it("a concurrent request with the key still in flight → exactly one 409 concurrent_idempotent_requests", async () => {
    const resend = resendClient(emu.url);
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", latencyMs: 150, count: 1 }); // keeps the first in flight
    const [first, second] = await Promise.all([
      resend.emails.send(email(), { idempotencyKey: "signin/3" }),
      new Promise((r) => setTimeout(r, 30)).then(() => resend.emails.send(email(), { idempotencyKey: "signin/3" })),
    ]);
    expect(first.error).toBeNull();
    expect(second.error).toMatchObject({ statusCode: 409, name: "concurrent_idempotent_requests" });
    expect(emu.resend.messages()).toHaveLength(1);
    // Once the first finished, a retry replays it.
    const retry = await resend.emails.send(email(), { idempotencyKey: "signin/3" });
    expect(retry.data).toEqual(first.data);
  });

  it("rejects keys longer than 256 characters (400 invalid_idempotency_key)", async () => {
    const resend = resendClient(emu.url);
    const { error } = await resend.emails.send(email(), { idempotencyKey: "k".repeat(257) });
    expect(error).toMatchObject({ statusCode: 400, name: "invalid_idempotency_key" });
    expect((await resend.emails.send(email(), { idempotencyKey: "k".repeat(256) })).error).toBeNull();
  });

  it("a failed request (validation, injected 500) does not burn the key", async () => {
    const resend = resendClient(emu.url);
    const invalid = await resend.emails.send(email({ from: "bad" }), { idempotencyKey: "signin/4" });
    expect(invalid.error).toMatchObject({ statusCode: 422 });
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", status: 500, count: 1 });
    const failed = await resend.emails.send(email(), { idempotencyKey: "signin/4" });
    expect(failed.error).toMatchObject({ statusCode: 500, name: "application_error" });
    const ok = await resend.emails.send(email(), { idempotencyKey: "signin/4" });
    expect(ok.error).toBeNull();
    expect(emu.resend.messages()).toHaveLength(1);
  });

  it("works for batches: replay returns the same ids, a changed batch is 409", async () => {
    const resend = resendClient(emu.url);
    const items = [email({ to: "a@example.com" }), email({ to: "b@example.com" })];
    const first = await resend.batch.send(items, { idempotencyKey: "batch/1" });
    const again = await resend.batch.send(items, { idempotencyKey: "batch/1" });
    expect(again.data).toEqual(first.data);
    expect(emu.resend.messages()).toHaveLength(2);
    const changed = await resend.batch.send([items[0]!], { idempotencyKey: "batch/1" });
    expect(changed.error).toMatchObject({ statusCode: 409, name: "invalid_idempotent_request" });
  });

  it("expires after the TTL (24 h by default)", async () => {
    const short = await startAllEmulators({
      appUrl: emu.receiver.url,
      resend: { idempotencyTtlMs: 50, webhookUrl: null },
    });
    try {
      const resend = resendClient(short.url);
      const a = await resend.emails.send(email(), { idempotencyKey: "ttl" });
      await new Promise((r) => setTimeout(r, 80));
      const b = await resend.emails.send(email({ subject: "changed is fine now" }), { idempotencyKey: "ttl" });
      expect(b.error).toBeNull();
      expect(b.data!.id).not.toBe(a.data!.id);
    } finally {
      await short.close();
    }
  });
});
