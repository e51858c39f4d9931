import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";

import { POST as dodoWebhook } from "@/app/api/webhooks/dodo/route";
import { POST as resendWebhook } from "@/app/api/webhooks/resend/route";
import { ensureDodoCustomer } from "@/lib/billing/customer";
import { db } from "@/lib/db";

import { deliverDodoWebhook, paymentData, subscriptionData } from "../support/dodo-webhooks";
import { signedResendRequest } from "../support/resend-webhooks";
import { withLocalServices } from "./helpers/environment";

/** Bounded webhook bodies, a signed non-JSON Resend body, and events that try to move rows between customers. */

const services = withLocalServices();

/** A chunked body (no Content-Length) of `megabytes` MB, counting how many bytes the route pulled. */
function hugeChunkedRequest(path: string, megabytes: number) {
  let sent = 0;
  const chunk = new Uint8Array(64 * 1024).fill(0x7b);
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= megabytes * 1024 * 1024) return controller.close();
      sent += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  const request = new Request(`http://localhost${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    duplex: "half",
  } as RequestInit);
  return { request, sent: () => sent };
}

describe("webhook bodies are bounded (256 KB) while streaming", () => {
  it.each([
    ["dodo", dodoWebhook, "/api/webhooks/dodo"],
    ["resend", resendWebhook, "/api/webhooks/resend"],
  ] as const)("%s: a 100 MB chunked body answers 413 JSON after reading little of it", async (_, POST, path) => {
    const { request, sent } = hugeChunkedRequest(path, 100);
    const response = await POST(request);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: expect.any(String) });
    expect(sent()).toBeLessThan(1024 * 1024);
  });

  it("a declared Content-Length over the limit answers 413 without reading", async () => {
    const response = await resendWebhook(
      new Request("http://localhost/api/webhooks/resend", {
        method: "POST",
        headers: { "content-length": String(300 * 1024) },
        body: "x".repeat(300 * 1024),
      }),
    );
    expect(response.status).toBe(413);
  });
});

describe("a validly signed Resend webhook whose body is not JSON", () => {
  it("answers 400, not 500, and records nothing", async () => {
    const id = `msg_${randomUUID()}`;
    const response = await resendWebhook(signedResendRequest(null, { id, rawBody: "this is not json {" }));
    expect(response.status).toBe(400);
    expect(await db.webhookReceipt.findUnique({ where: { id } })).toBeNull();
  });
});

describe("odd signed webhook payloads are a 4xx or ignored, never a 500", () => {
  const resendRequest = (rawBody: string) => signedResendRequest(null, { rawBody });

  it("Dodo: an event type with a lone surrogate or NUL → 400", async () => {
    // JSON escapes: a raw lone surrogate cannot travel in UTF-8, but "\\udfc2" in JSON decodes to one.
    for (const type of [String.raw`payment.\uDFC2`, String.raw`x\u0000y`]) {
      const result = await deliverDodoWebhook(
        { type: "placeholder", data: {} },
        { rawBody: `{"type":"${type}","data":{}}` },
      );
      expect(result.status).toBe(400);
    }
  });

  it("Resend: an event without data, with odd tags, or nested 2,000 deep → 400", async () => {
    for (const body of [
      '{"type":"email.bounced"}',
      '{"type":"email.sent","data":{"email_id":5}}',
      '{"type":"email.sent","data":{"tags":[null]}}',
      `{"type":"email.bounced","data":{"bounce":${"[".repeat(2000)}${"]".repeat(2000)}}}`,
    ]) {
      const response = await resendWebhook(resendRequest(body));
      expect(response.status, body.slice(0, 60)).toBe(400);
    }
  });

  it("Dodo: a signed payment or subscription event with malformed fields is logged and ignored (200)", async () => {
    const cases = [
      { type: "payment.succeeded", data: { payment_id: 5, customer: { customer_id: "cus_x" } } },
      { type: "payment.succeeded", data: { payment_id: "pay_x", customer: { customer_id: 7 } } },
      { type: "subscription.active", data: [] },
      {
        type: "subscription.active",
        data: {
          ...subscriptionData({
            subscriptionId: "sub_bad",
            customerId: "cus_x",
            productId: "p",
            entitlementId: "e",
            status: "active",
            nextBillingDate: "not a date",
          }),
        },
      },
    ];
    for (const event of cases) {
      const result = await deliverDodoWebhook(event as never);
      expect(result.status, event.type).toBe(200);
      expect(String(result.body.ignored)).toMatch(/malformed/);
    }
  });
});

describe("signed Dodo events never move a row from one customer to another", () => {
  let n = 0;
  async function customer() {
    const user = await db.user.create({ data: { email: `owner-${++n}-${Date.now()}@example.com` } });
    return { user, customerId: await ensureDodoCustomer({ ...user }) };
  }
  const subscription = (subscriptionId: string, customerId: string) =>
    subscriptionData({
      subscriptionId,
      customerId,
      productId: services.catalog.planProductId,
      entitlementId: services.catalog.entitlementId,
      status: "active",
      nextBillingDate: "2027-01-01T00:00:00Z",
    });

  it("a subscription event naming A's subscription with B's customer is ignored (200) and A keeps it", async () => {
    const a = await customer();
    const b = await customer();
    const subscriptionId = `sub_a_${n}`;
    const first = await deliverDodoWebhook({
      type: "subscription.active",
      data: subscription(subscriptionId, a.customerId),
    });
    expect(first.status).toBe(200);

    const hijack = await deliverDodoWebhook({
      type: "subscription.renewed",
      timestamp: new Date(Date.now() + 60_000).toISOString(),
      data: subscription(subscriptionId, b.customerId),
    });
    expect(hijack.status).toBe(200);
    expect(hijack.body.ignored).toMatch(/another customer/);
    expect(await db.subscription.findUniqueOrThrow({ where: { id: subscriptionId } })).toMatchObject({
      userId: a.user.id,
      customerId: a.customerId,
    });
  });

  it("a payment event naming A's payment (or A's subscription) with B's customer is ignored (200)", async () => {
    const a = await customer();
    const b = await customer();
    const paymentId = `pay_a_${n}`;
    const subscriptionId = `sub_pa_${n}`;
    await deliverDodoWebhook({ type: "subscription.active", data: subscription(subscriptionId, a.customerId) });
    const first = await deliverDodoWebhook({
      type: "payment.succeeded",
      data: paymentData({ paymentId, customerId: a.customerId }),
    });
    expect(first.status).toBe(200);

    const hijack = await deliverDodoWebhook({
      type: "payment.failed",
      data: paymentData({ paymentId, customerId: b.customerId }),
    });
    expect(hijack.status).toBe(200);
    expect(hijack.body.ignored).toMatch(/another customer/);
    expect(await db.payment.findUniqueOrThrow({ where: { id: paymentId } })).toMatchObject({
      userId: a.user.id,
      customerId: a.customerId,
      status: "succeeded",
    });

    const joinPlan = await deliverDodoWebhook({
      type: "payment.succeeded",
      data: paymentData({ paymentId: `pay_b_${n}`, customerId: b.customerId, subscriptionId }),
    });
    expect(joinPlan.status).toBe(200);
    expect(joinPlan.body.ignored).toMatch(/another customer/);
    expect(await db.payment.findUnique({ where: { id: `pay_b_${n}` } })).toBeNull();
  });
});
