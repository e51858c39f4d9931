import { describe, expect, it } from "vitest";

import { parseComposerForm, splitRecipients } from "@/lib/sending/composer-schema";
import { parseBatchBody, parseSendEmailBody } from "@/lib/sending/wire-schema";

const valid = { from: "Acme <hello@acme.test>", to: "ada@example.com", subject: "Hi", html: "<p>Hi</p>" };

describe("POST /emails body (Resend's wire format)", () => {
  it("normalises a valid body to an OutgoingEmail", () => {
    const parsed = parseSendEmailBody({
      ...valid,
      cc: ["b@example.com"],
      reply_to: "r@example.com",
      tags: [{ name: "kind", value: "welcome" }],
      unknown_field: 1,
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        from: "Acme <hello@acme.test>",
        to: ["ada@example.com"],
        cc: ["b@example.com"],
        bcc: [],
        replyTo: ["r@example.com"],
        subject: "Hi",
        html: "<p>Hi</p>",
        tags: [{ name: "kind", value: "welcome" }],
      },
    });
  });

  it.each([
    [{ ...valid, from: undefined }, "missing_required_field", "Missing `from` field."],
    [{ ...valid, to: [] }, "missing_required_field", "Missing `to` field."],
    [{ ...valid, subject: "" }, "missing_required_field", "Missing `subject` field."],
    [{ ...valid, to: "nope" }, "validation_error", "`to`"],
    [{ ...valid, cc: ["ok@example.com", "bad"] }, "validation_error", "`cc`"],
    [{ ...valid, from: "not an address" }, "validation_error", "`from`"],
    [{ ...valid, html: undefined }, "validation_error", "`html` or `text`"],
    [{ ...valid, to: Array.from({ length: 51 }, (_, i) => `u${i}@example.com`) }, "validation_error", "maximum is 50"],
    [{ ...valid, tags: [{ name: "bad tag", value: "x" }] }, "validation_error", "`tags`"],
    [{ ...valid, tags: [{ name: "mailkit_send_id", value: "x" }] }, "validation_error", "reserved"],
    [{ ...valid, headers: { "X-A": "1\r\nBcc: evil@example.com" } }, "validation_error", "`headers`"],
    [{ ...valid, scheduled_at: "in 1 min" }, "validation_error", "`scheduled_at`"],
    [{ ...valid, scheduled_at: new Date(Date.now() + 31 * 86_400_000).toISOString() }, "validation_error", "30 days"],
    [{ ...valid, attachments: [{ filename: "a.txt" }] }, "validation_error", "`attachments`"],
    ["a string", "validation_error", "JSON object"],
  ])("%j → %s naming the field", (body, name, fragment) => {
    const parsed = parseSendEmailBody(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.name).toBe(name);
    expect(parsed.error.message).toContain(fragment);
  });

  it("accepts text only and attachments with content or path", () => {
    expect(parseSendEmailBody({ ...valid, html: undefined, text: "plain" }).ok).toBe(true);
    const parsed = parseSendEmailBody({
      ...valid,
      attachments: [{ filename: "a.txt", content: "aGVsbG8=" }, { path: "https://example.com/a.pdf" }],
    });
    expect(parsed.ok && parsed.value.attachments).toEqual([
      { filename: "a.txt", content: "aGVsbG8=" },
      { path: "https://example.com/a.pdf" },
    ]);
  });
});

describe("POST /emails/batch body", () => {
  it("needs 1–100 valid emails and names the failing index", () => {
    expect(parseBatchBody([valid, valid]).ok).toBe(true);
    expect(parseBatchBody({})).toMatchObject({
      ok: false,
      error: { message: "The request body must be an array of emails." },
    });
    expect(parseBatchBody([])).toMatchObject({ ok: false });
    expect(parseBatchBody(Array.from({ length: 101 }, () => valid))).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("maximum is 100") },
    });
    expect(parseBatchBody([valid, { ...valid, to: "bad" }])).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/^emails\[1\]: .*`to`/) },
    });
    expect(parseBatchBody([{ ...valid, attachments: [{ content: "aGk=" }] }])).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining("batch") },
    });
  });
});

describe("the dashboard composer form", () => {
  const form = (fields: Record<string, string>) => {
    const data = new FormData();
    for (const [k, v] of Object.entries(fields)) data.set(k, v);
    return data;
  };

  it("splits recipients on commas, semicolons and new lines", () => {
    expect(splitRecipients(" a@x.com, b@x.com;c@x.com\n\n d@x.com ,")).toEqual([
      "a@x.com",
      "b@x.com",
      "c@x.com",
      "d@x.com",
    ]);
  });

  it("builds an HTML or text email", () => {
    const parsed = parseComposerForm(
      form({ from: "hello@acme.test", to: "a@x.com, b@x.com", subject: "Hi", format: "html", body: "<b>Hi</b>" }),
    );
    expect(parsed).toEqual({
      ok: true,
      value: {
        from: "hello@acme.test",
        to: ["a@x.com", "b@x.com"],
        cc: [],
        bcc: [],
        replyTo: [],
        subject: "Hi",
        html: "<b>Hi</b>",
      },
    });
  });

  it("reports one message per field", () => {
    const parsed = parseComposerForm(
      form({ from: "hello@acme.test", to: "a@x.com, nope", subject: " ", format: "text", body: "" }),
    );
    expect(parsed).toEqual({
      ok: false,
      fieldErrors: {
        to: "One of the recipients is not a valid email address",
        subject: "Enter a subject",
        body: "Write a message",
      },
    });
  });
});
