import { describe, expect, it } from "vitest";

import { attachmentsOf, base64Bytes, headerLines, payloadJson, requestLines } from "@/lib/sending/message-source";

describe("a message's source as handed to Resend", () => {
  const payload = {
    from: "Acme <hi@acme.test>",
    to: ["ada@example.com"],
    cc: ["team@example.com"],
    replyTo: ["help@acme.test"],
    subject: "Invoice",
    text: "Hi",
    headers: { "X-Entity-Ref-ID": "42" },
    scheduledAt: "2026-12-08T10:00:00.000Z",
    attachments: [
      { filename: "a.pdf", content: Buffer.from("hello world").toString("base64"), contentType: "application/pdf" },
      { path: "https://files.example.com/docs/report%202026.csv" },
    ],
  };

  it("lists the attachments with their decoded sizes, a fetched one by its URL", () => {
    expect(attachmentsOf(payload)).toEqual([
      { name: "a.pdf", type: "application/pdf", size: 11, url: null },
      {
        name: "report 2026.csv",
        type: expect.stringContaining("not given"),
        size: null,
        url: payload.attachments[1]!.path,
      },
    ]);
    expect([
      base64Bytes(""),
      base64Bytes("YQ=="),
      base64Bytes("YWI="),
      base64Bytes("YWJj"),
      base64Bytes("YW\nJj"),
    ]).toEqual([0, 1, 2, 3, 3]);
  });

  it("shows the headers, the request without MailKit's key, and the payload in wire names without attachment bytes", () => {
    expect(headerLines(payload)).toEqual([
      "From: Acme <hi@acme.test>",
      "To: ada@example.com",
      "Cc: team@example.com",
      "Reply-To: help@acme.test",
      "Subject: Invoice",
      "X-Entity-Ref-ID: 42",
    ]);
    expect(requestLines({ mode: "single", idempotencyKey: "mailkit-send/x", members: 1 })).toEqual([
      "POST /emails",
      "Authorization: Bearer re_… (MailKit's key, not shown)",
      "Content-Type: application/json",
      "Idempotency-Key: mailkit-send/x",
    ]);
    expect(requestLines({ mode: "batch", idempotencyKey: "k", members: 3 }).slice(-2)).toEqual([
      "x-batch-validation: permissive",
      "(this email is one of 3 in the request)",
    ]);
    expect(requestLines(null)).toEqual(["Not handed to Resend yet."]);
    const json = JSON.parse(payloadJson(payload));
    expect(json).toMatchObject({ reply_to: ["help@acme.test"], scheduled_at: payload.scheduledAt });
    expect(json.attachments[0]).toEqual({
      filename: "a.pdf",
      content_type: "application/pdf",
      content: "<11 bytes, Base64>",
    });
    expect(payloadJson(payload)).not.toContain(payload.attachments[0]!.content);
  });
});
