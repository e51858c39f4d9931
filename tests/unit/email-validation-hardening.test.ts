import { describe, expect, it } from "vitest";

import { costOf } from "@/lib/mail/recipients";
import { isPublicHttpsUrl } from "@/lib/net/public-url";
import { parseComposerForm } from "@/lib/sending/composer-schema";
import { parseBatchBody, parseSendEmailBody } from "@/lib/sending/wire-schema";

/** Input that must be refused with a clear error, or forwarded exactly as it is charged. */

const valid = { from: "Acme <hello@acme.test>", to: "ada@example.com", subject: "Hi", text: "Hi" };

function refusal(body: unknown) {
  const parsed = parseSendEmailBody(body);
  expect(parsed.ok).toBe(false);
  return parsed.ok ? { name: "", message: "" } : parsed.error;
}

describe("NUL characters and lone surrogates → 422 naming the field", () => {
  const bad = ["a\u0000b", "a\uD800b", "\uDC00"];
  it.each([
    ["from", (v: string) => ({ from: `Acme${v} <hello@acme.test>` })],
    ["to", (v: string) => ({ to: [`Ada${v} <ada@example.com>`] })],
    ["cc", (v: string) => ({ cc: v })],
    ["bcc", (v: string) => ({ bcc: [v] })],
    ["reply_to", (v: string) => ({ reply_to: v })],
    ["subject", (v: string) => ({ subject: v })],
    ["html", (v: string) => ({ html: v })],
    ["text", (v: string) => ({ text: v })],
    ["headers", (v: string) => ({ headers: { "X-Note": v } })],
    ["headers", (v: string) => ({ headers: { [`X-${v}`]: "1" } })],
    ["tags", (v: string) => ({ tags: [{ name: "k", value: v }] })],
  ])("%s", (field, make) => {
    for (const value of bad) {
      const error = refusal({ ...valid, ...make(value) });
      expect(error.name).toBe("validation_error");
      expect(error.message).toContain(`\`${field}\``);
    }
  });

  it("in a batch, names the email and the field", () => {
    const parsed = parseBatchBody([valid, { ...valid, subject: "x\u0000" }]);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toMatch(/^emails\[1\]: .*`subject`/);
  });

  it("the composer refuses them too", () => {
    const form = new FormData();
    for (const [k, v] of Object.entries({ from: "a@acme.test", to: "b@acme.test", subject: "x\r\ny", body: "z\u0000" }))
      form.set(k, v);
    const parsed = parseComposerForm(form);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(Object.keys(parsed.fieldErrors).sort()).toEqual(["body", "subject"]);
  });
});

describe("subject", () => {
  it.each(["Hello\r\nBcc: x@evil.test", "Hello\nthere", "Hello\r"])("%j with CR or LF → 422", (subject) => {
    expect(refusal({ ...valid, subject }).message).toContain("`subject`");
  });
});

describe("recipients are parsed once: exactly the parsed addresses are forwarded and charged", () => {
  it.each([
    "x1@a.com, x2@a.com <delivered@resend.dev>",
    "x1@a.com <delivered@resend.dev>",
    "a@b.com; c@d.com",
    "group: a@b.com, c@d.com;",
    "a@b.com (comment)",
  ])("%j is refused", (to) => {
    expect(refusal({ ...valid, to }).message).toContain("`to`");
    expect(refusal({ ...valid, to: ["ok@example.com", to] }).message).toContain("`to`");
    expect(refusal({ ...valid, cc: to }).message).toContain("`cc`");
  });

  it("a quoted display name with a comma is one recipient, charged once", () => {
    const parsed = parseSendEmailBody({ ...valid, to: ['"Doe, John" <john@example.com>', "JOHN@example.com"] });
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(costOf(parsed.value)).toBe(1);
  });
});

describe("headers that set recipients, sender or subject are refused", () => {
  it.each(["To", "cc", "BCC", "From", "sender", "Reply-To", "SUBJECT", "return-path"])("%s", (name) => {
    expect(refusal({ ...valid, headers: { [name]: "x@evil.test" } }).message).toContain("`headers`");
  });

  it.each(["X Space", "X:Colon", "", "Ä"])("an invalid header name %j", (name) => {
    expect(refusal({ ...valid, headers: { [name]: "1" } }).message).toContain("`headers`");
  });

  it("other headers pass", () => {
    expect(parseSendEmailBody({ ...valid, headers: { "X-Entity-Ref-ID": "123", "List-Unsubscribe": "<x>" } }).ok).toBe(
      true,
    );
  });
});

describe("attachment path: https:// to a public host only", () => {
  it.each([
    "file:///etc/passwd",
    "http://example.com/a.pdf",
    "http://169.254.169.254/latest/meta-data/",
    "https://169.254.169.254/latest/meta-data/",
    "https://127.0.0.1/a",
    "https://10.1.2.3/a",
    "https://192.168.0.1/a",
    "https://100.64.0.1/a",
    "https://0.0.0.0/a",
    "https://[::1]/a",
    "https://[fe80::1]/a",
    "https://[fd00::1]/a",
    "https://[::ffff:127.0.0.1]/a",
    "https://2130706433/a",
    "https://localhost/a",
    "https://app.localhost/a",
    "https://printer.local/a",
    "https://intranet/a",
    "https://user:pw@example.com/a",
    "ftp://example.com/a",
    "not a url",
  ])("%s is refused", (path) => {
    expect(isPublicHttpsUrl(path)).toBe(false);
    expect(refusal({ ...valid, attachments: [{ path, filename: "a.pdf" }] }).message).toContain("`attachments`");
  });

  it.each(["https://example.com/a.pdf", "https://8.8.8.8/a", "https://cdn.example.co.uk:8443/x?y=1"])(
    "%s is accepted",
    (path) => {
      expect(isPublicHttpsUrl(path)).toBe(true);
      expect(parseSendEmailBody({ ...valid, attachments: [{ path, filename: "a.pdf" }] }).ok).toBe(true);
    },
  );
});

describe("the text rule covers every field, attachments included", () => {
  it.each([
    ["filename", "a\u0000.pdf"],
    ["filename", "a\uD800.pdf"],
    ["content_type", "text/plain\u0000"],
    ["content_id", "\uDC00cid"],
  ])("attachments[].%s with NUL or a lone surrogate → 422 naming `attachments`", (field, value) => {
    const error = refusal({ ...valid, attachments: [{ content: "aGk=", [field]: value }] });
    expect(error.name).toBe("validation_error");
    expect(error.message).toContain("`attachments`");
    expect(error.message).toContain(`attachments[0].${field}`);
  });

  it("a field no schema lists (unknown fields are ignored) is still refused when unclean", () => {
    expect(refusal({ ...valid, "x\u0000": 1 }).message).toMatch(/NUL/);
  });
});

describe("MIME fields refuse line breaks and envelope headers", () => {
  it.each(["filename", "content_type", "content_id"])("attachments[].%s with CR/LF → 422", (field) => {
    for (const value of ["a\r\nBcc: x@evil.test", "a\nb", "a\rb"]) {
      const error = refusal({ ...valid, attachments: [{ content: "aGk=", [field]: value }] });
      expect(error.message).toContain(`\`${field}\``);
    }
  });

  it.each(["Resent-To", "resent-from", "RESENT-BCC", "Delivered-To", "X-Envelope-To", "Received", "Content-Type"])(
    "headers: %s → 422",
    (name) => {
      expect(refusal({ ...valid, headers: { [name]: "x@evil.test" } }).message).toContain("`headers`");
    },
  );

  it("ordinary custom headers and attachment names pass", () => {
    const parsed = parseSendEmailBody({
      ...valid,
      headers: { "X-Entity-Ref-ID": "123", "List-Unsubscribe": "<https://acme.test/u>" },
      attachments: [
        { content: "aGk=", filename: "Rechnung März.pdf", content_type: "application/pdf", content_id: "logo" },
      ],
    });
    expect(parsed.ok).toBe(true);
  });
});

describe("repeated recipients are forwarded once, as they are charged once", () => {
  it("to: [x, X, ' x '] → one recipient, cost 1", () => {
    const parsed = parseSendEmailBody({ ...valid, to: ["ada@example.com", "ADA@example.com", " ada@example.com "] });
    expect(parsed.ok && parsed.value.to).toEqual(["ada@example.com"]);
    expect(parsed.ok && costOf(parsed.value)).toBe(1);
  });

  it("a recipient in to and again in cc or bcc is kept in to only", () => {
    const parsed = parseSendEmailBody({
      ...valid,
      to: ["Ada <ada@example.com>"],
      cc: ["ada@EXAMPLE.com", "bo@example.com"],
      bcc: ["bo@example.com", "cy@example.com"],
    });
    expect(parsed.ok && parsed.value).toMatchObject({
      to: ["Ada <ada@example.com>"],
      cc: ["bo@example.com"],
      bcc: ["cy@example.com"],
    });
  });
});
