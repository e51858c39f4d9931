import type { CreateEmailOptions, ErrorResponse } from "resend";
import { describe, expect, it } from "vitest";

import { emailOptions, resendClient, withResendEmulator } from "@/emulators/resend/test-harness";

// Send, get, list, batch, validation and auth, driven through the real `resend` SDK.

const emu = withResendEmulator({ sendingOnlyKeys: ["re_sending_only_key"] });

const email = emailOptions;

describe("POST /emails, GET /emails/{id}", () => {
  it("sends an email and returns it with Resend's shape", async () => {
    const resend = resendClient(emu.url);
    const sent = await resend.emails.send(
      email({
        cc: ["cc@example.com"],
        bcc: "bcc@example.com",
        replyTo: "support@mailkit.dev",
        text: "Hi Ada",
        tags: [{ name: "kind", value: "welcome" }],
        headers: { "X-Entity-Ref": "42" },
      }),
    );
    expect(sent.error).toBeNull();
    expect(sent.data?.id).toMatch(/^[0-9a-f-]{36}$/);

    const got = await resend.emails.get(sent.data!.id);
    expect(got.error).toBeNull();
    expect(got.data).toMatchObject({
      object: "email",
      id: sent.data!.id,
      from: "MailKit <noreply@mailkit.dev>",
      to: ["ada@example.com"],
      cc: ["cc@example.com"],
      bcc: ["bcc@example.com"],
      reply_to: ["support@mailkit.dev"],
      subject: "Hello",
      html: "<p>Hi <b>Ada</b></p>",
      text: "Hi Ada",
      scheduled_at: null,
      tags: [{ name: "kind", value: "welcome" }],
    });
    expect(got.data!.created_at).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}\+00$/); // Resend's timestamp format
    expect(["queued", "sent", "delivered"]).toContain(got.data!.last_event);

    await emu.resend.idle();
    expect((await resend.emails.get(sent.data!.id)).data?.last_event).toBe("delivered");
    expect(emu.resend.messages()[0]).toMatchObject({ id: sent.data!.id, headers: { "X-Entity-Ref": "42" } });
  });

  it("answers 404 not_found for an unknown id and 422 for a malformed one", async () => {
    const resend = resendClient(emu.url);
    const missing = await resend.emails.get("00000000-0000-4000-8000-000000000000");
    expect(missing.error).toMatchObject({ statusCode: 404, name: "not_found" });
    const malformed = await resend.emails.get("nope");
    expect(malformed.error).toMatchObject({ statusCode: 422, name: "invalid_parameter" });
  });
});

describe("GET /emails", () => {
  it("lists newest first with limit / after / before pagination", async () => {
    const resend = resendClient(emu.url);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { data } = await resend.emails.send(email({ subject: `n${i}` }));
      ids.push(data!.id);
    }
    const newestFirst = [...ids].reverse();

    const all = await resend.emails.list();
    expect(all.data).toMatchObject({ object: "list", has_more: false });
    expect(all.data!.data.map((e) => e.id)).toEqual(newestFirst);
    expect(all.data!.data[0]).not.toHaveProperty("html"); // list items omit html/text/tags

    const first = await resend.emails.list({ limit: 2 });
    expect(first.data!.data.map((e) => e.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.data!.has_more).toBe(true);
    const second = await resend.emails.list({ limit: 2, after: newestFirst[1] });
    expect(second.data!.data.map((e) => e.id)).toEqual(newestFirst.slice(2, 4));
    const last = await resend.emails.list({ limit: 2, after: newestFirst[3] });
    expect(last.data).toMatchObject({ has_more: false });
    expect(last.data!.data.map((e) => e.id)).toEqual([newestFirst[4]]);
    const back = await resend.emails.list({ limit: 2, before: newestFirst[4] });
    expect(back.data!.data.map((e) => e.id)).toEqual(newestFirst.slice(2, 4));
    expect(back.data!.has_more).toBe(true);

    const tooBig = await resend.emails.list({ limit: 101 });
    expect(tooBig.error).toMatchObject({ statusCode: 422, name: "validation_error" });
  });
});

describe("POST /emails/batch", () => {
  it("sends up to 100 emails and returns ids in request order", async () => {
    const resend = resendClient(emu.url);
    const { data, error } = await resend.batch.send([email({ to: "a@example.com" }), email({ to: "b@example.com" })]);
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(2);
    expect((await resend.emails.get(data!.data[0]!.id)).data?.to).toEqual(["a@example.com"]);
    expect((await resend.emails.get(data!.data[1]!.id)).data?.to).toEqual(["b@example.com"]);
  });

  it("is all-or-nothing: one invalid item → 422 naming it, nothing stored", async () => {
    const resend = resendClient(emu.url);
    const bad = {
      from: "MailKit <noreply@mailkit.dev>",
      to: "c@example.com",
      html: "<p>x</p>",
    } as unknown as CreateEmailOptions;
    const { data, error } = await resend.batch.send([email(), bad, email()]);
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name: "missing_required_field" });
    expect(error!.message).toContain("emails[1]");
    expect(error!.message).toContain("`subject`");
    expect(emu.resend.messages()).toHaveLength(0);
  });

  it("rejects more than 100 emails and attachments", async () => {
    const resend = resendClient(emu.url);
    const many = await resend.batch.send(Array.from({ length: 101 }, () => email()));
    expect(many.error).toMatchObject({ statusCode: 422, name: "validation_error" });
    const withAttachment = await resend.batch.send([
      { ...email(), attachments: [{ filename: "a.txt", content: "aGk=" }] } as never,
    ]);
    expect(withAttachment.error).toMatchObject({ statusCode: 422 });
    expect(emu.resend.messages()).toHaveLength(0);
  });

  it("permissive validation keeps the valid items and reports the others", async () => {
    const resend = resendClient(emu.url);
    const { data, error } = await resend.batch.send([email(), email({ from: "not an address" })], {
      batchValidation: "permissive",
    });
    expect(error).toBeNull();
    expect(data!.data).toHaveLength(1);
    expect(data!.errors).toEqual([{ index: 1, message: expect.stringContaining("`from`") }]);
    expect(emu.resend.messages()).toHaveLength(1);
  });
});

describe("validation (422, naming the field)", () => {
  const cases: [string, Partial<CreateEmailOptions> | Record<string, unknown>, ErrorResponse["name"], string][] = [
    ["missing from", { from: undefined }, "missing_required_field", "`from`"],
    ["missing to", { to: undefined }, "missing_required_field", "`to`"],
    ["missing subject", { subject: undefined }, "missing_required_field", "`subject`"],
    ["no html or text", { html: undefined }, "validation_error", "`html` or `text`"],
    ["bad from", { from: "MailKit noreply@mailkit.dev" }, "validation_error", "`from`"],
    ["bad to", { to: ["ok@example.com", "nope"] }, "validation_error", "`to`"],
    ["bad cc", { cc: "x@" }, "validation_error", "`cc`"],
    ["too many to", { to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) }, "validation_error", "`to`"],
    ["bad tag", { tags: [{ name: "has space", value: "x" }] }, "validation_error", "Tags"],
    ["bad scheduled_at", { scheduledAt: "someday" }, "validation_error", "`scheduled_at`"],
  ];
  it.each(cases)("%s", async (_label, over, name, fieldText) => {
    const resend = resendClient(emu.url);
    const { data, error } = await resend.emails.send(email(over as Partial<CreateEmailOptions>));
    expect(data).toBeNull();
    expect(error).toMatchObject({ statusCode: 422, name });
    expect(error!.message).toContain(fieldText);
    expect(emu.resend.messages()).toHaveLength(0);
  });

  it("accepts `Name <email>` and text-only emails", async () => {
    const resend = resendClient(emu.url);
    const { error } = await resend.emails.send({
      from: '"Mail Kit" <noreply@mailkit.dev>',
      to: ["Ada Lovelace <ada@example.com>"],
      subject: "s",
      text: "plain",
    });
    expect(error).toBeNull();
  });
});

describe("authentication", () => {
  it("401 missing_api_key without a key, 403 invalid_api_key with a wrong one", async () => {
    const base = `${emu.url}/resend/emails`;
    const none = await fetch(base, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(email()),
    });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ statusCode: 401, name: "missing_api_key" });

    const wrong = await resendClient(emu.url, "re_wrong").emails.send(email());
    expect(wrong.error).toMatchObject({ statusCode: 403, name: "invalid_api_key" });
    expect(emu.resend.messages()).toHaveLength(0);
  });

  it("a sending-only key may send but not read (401 restricted_api_key)", async () => {
    const resend = resendClient(emu.url, "re_sending_only_key");
    const sent = await resend.emails.send(email());
    expect(sent.error).toBeNull();
    const read = await resend.emails.get(sent.data!.id);
    expect(read.error).toMatchObject({ statusCode: 401, name: "restricted_api_key" });
    expect((await resend.emails.list()).error).toMatchObject({ name: "restricted_api_key" });
  });

  it("unknown endpoints are 404 not_found, wrong methods 405", async () => {
    const headers = { authorization: "Bearer re_local_emulator_key" };
    const unknown = await fetch(`${emu.url}/resend/audiences`, { headers });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ name: "not_found" });
    const wrongMethod = await fetch(`${emu.url}/resend/emails/batch`, { method: "DELETE", headers });
    expect(wrongMethod.status).toBe(405);
  });
});

describe("scheduled emails", () => {
  it("stores scheduled_at, keeps last_event 'scheduled', and can be canceled or sent now", async () => {
    const resend = resendClient(emu.url);
    const when = new Date(Date.now() + 3600_000).toISOString();
    const a = await resend.emails.send(email({ scheduledAt: when }));
    const b = await resend.emails.send(email({ scheduledAt: "in 5 min" }));
    await emu.resend.idle();

    const got = await resend.emails.get(a.data!.id);
    expect(got.data).toMatchObject({ last_event: "scheduled" });
    expect(new Date(got.data!.scheduled_at!).toISOString()).toBe(when);
    expect(
      emu.receiver.received.filter((w) => w.payload.data.email_id === a.data!.id).map((w) => w.payload.type),
    ).toEqual(["email.scheduled"]);

    const canceled = await resend.emails.cancel(a.data!.id);
    expect(canceled.data).toEqual({ object: "email", id: a.data!.id });
    expect((await resend.emails.get(a.data!.id)).data?.last_event).toBe("canceled");
    expect((await resend.emails.cancel(a.data!.id)).error).toMatchObject({ statusCode: 422 });

    expect(emu.resend.sendScheduledNow()).toBe(1);
    await emu.resend.idle();
    expect((await resend.emails.get(b.data!.id)).data?.last_event).toBe("delivered");
  });
});
