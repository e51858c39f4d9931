import { describe, expect, it } from "vitest";

import { MAX_LOGGED_BODY_BYTES, redactRequestBody } from "@/lib/request-log/redact";

describe("the request log's redaction", () => {
  it("keeps the shape, replaces message content by its length and secret-looking fields by [redacted]", () => {
    const body = {
      from: "a@acme.test",
      to: ["b@example.com"],
      html: "<p>code 1234</p>",
      text: "code 1234",
      headers: { "X-Auth-Token": "abc", "X-Entity-Ref-ID": "42" },
      attachments: [{ filename: "a.pdf", content: "JVBERi0xLjQK" }],
      tags: [{ name: "category", value: "welcome" }],
      nested: { password: "hunter2", api_key: "k", signing_secret: "s" },
    };
    expect(redactRequestBody(body)).toEqual({
      from: "a@acme.test",
      to: ["b@example.com"],
      html: "[redacted: 16 characters]",
      text: "[redacted: 9 characters]",
      headers: { "X-Auth-Token": "[redacted]", "X-Entity-Ref-ID": "42" },
      attachments: [{ filename: "a.pdf", content: "[redacted: 12 characters]" }],
      tags: [{ name: "category", value: "welcome" }],
      nested: { password: "[redacted]", api_key: "[redacted]", signing_secret: "[redacted]" },
    });
  });

  it("redacts every email of a batch, cuts long strings and arrays, and bounds the whole", () => {
    const batch = [
      { to: "x@example.com", html: "secret" },
      { to: "y@example.com", text: "secret" },
    ];
    expect(JSON.stringify(redactRequestBody(batch))).not.toContain('"secret"');
    const long = redactRequestBody({ subject: "s".repeat(2000) }) as { subject: string };
    expect(long.subject.length).toBeLessThan(600);
    expect(long.subject).toContain("(2000 characters)");
    const many = redactRequestBody({ to: Array.from({ length: 80 }, (_, i) => `r${i}@example.com`) }) as {
      to: string[];
    };
    expect(many.to).toHaveLength(51);
    expect(many.to.at(-1)).toBe("… 30 more");
    const huge = redactRequestBody({
      tags: Array.from({ length: 50 }, () => ({ name: "n".repeat(400), value: "v".repeat(400) })),
    });
    expect(JSON.stringify(huge).length).toBeLessThan(MAX_LOGGED_BODY_BYTES);
    expect(huge).toHaveProperty("_truncated");
    expect(redactRequestBody(undefined)).toBeNull();
  });
});
