import { describe, expect, it } from "vitest";

import { PRODUCT_COPY } from "@/lib/catalog/product";

import { hashRequestBody } from "@/lib/keys/idempotency";
import { displayPrefix, generateToken, hashToken } from "@/lib/keys/api-keys";
import { openApiDocument } from "@/lib/api/openapi";
import { HttpError, INSUFFICIENT_CREDITS_MESSAGE, publicErrorBody } from "@/lib/errors";
import { toApiError } from "@/lib/http/public-errors";
import { configureTuning, getTuning } from "@/lib/runtime/tuning";
import { MAX_SUBJECT_LENGTH } from "@/lib/sending/outgoing-email";
import { SEND_STATUSES } from "@/lib/mail/status";
import { InsufficientCreditsError } from "@/lib/sending/errors";
import { batchIdempotencyKey, classifyProviderError, sendIdempotencyKey } from "@/lib/sending/provider";
import { retryDelayMs } from "@/lib/sending/retry";

describe("what a Resend error means for the money", () => {
  it("only a definite 4xx refusal releases the hold", () => {
    expect(classifyProviderError({ statusCode: 422, name: "validation_error", message: "bad to" })).toMatchObject({
      kind: "rejected",
      statusCode: 422,
    });
    expect(classifyProviderError({ statusCode: 403, name: "validation_error", message: "domain" })).toMatchObject({
      kind: "rejected",
    });
    expect(classifyProviderError({ statusCode: 400, name: "validation_error", message: "x" })).toMatchObject({
      kind: "rejected",
    });
  });

  it("timeouts, network errors, 429, 5xx and 409 are unknown: keep the hold and retry the same request", () => {
    expect(
      classifyProviderError({ statusCode: null, name: "application_error", message: "Unable to fetch data" }, true),
    ).toMatchObject({ kind: "unknown", reason: expect.stringContaining("Timed out") });
    expect(
      classifyProviderError({ statusCode: null, name: "application_error", message: "Unable to fetch data" }),
    ).toMatchObject({ kind: "unknown" });
    for (const status of [429, 500, 502, 503, 408])
      expect(classifyProviderError({ statusCode: status, name: "application_error", message: "x" }).kind).toBe(
        "unknown",
      );
    expect(classifyProviderError({ statusCode: 409, name: "concurrent_idempotent_requests", message: "x" }).kind).toBe(
      "unknown",
    );
    expect(classifyProviderError({ statusCode: 409, name: "invalid_idempotent_request", message: "x" }).kind).toBe(
      "unknown",
    );
  });

  it("a 429 is retried after Resend's retry-after, and marked as rate limited", () => {
    expect(
      classifyProviderError({ statusCode: 429, name: "rate_limit_exceeded", message: "x" }, false, {
        "retry-after": "2",
      }),
    ).toEqual({ kind: "unknown", reason: expect.stringContaining("429"), rateLimited: true, retryAfterMs: 2000 });
  });

  it("derives Resend idempotency keys from MailKit's ids", () => {
    expect(sendIdempotencyKey("abc")).toBe("mailkit-send/abc");
    expect(batchIdempotencyKey("xyz")).toBe("mailkit-batch/xyz");
  });
});

describe("API helpers", () => {
  it("hashes request bodies independently of key order", () => {
    expect(hashRequestBody({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(hashRequestBody({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(hashRequestBody({ a: 1 })).not.toBe(hashRequestBody({ a: 2 }));
    expect(hashRequestBody({ a: 1, b: undefined })).toBe(hashRequestBody({ a: 1 }));
  });

  it("makes mk_ tokens, stores only their sha256 and shows a short prefix", () => {
    const token = generateToken();
    expect(token).toMatch(/^mk_[A-Za-z0-9_-]{32}$/);
    expect(generateToken()).not.toBe(token);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(displayPrefix(token)).toBe(token.slice(0, 11));
  });

  it("maps domain errors to Resend-shaped API errors", () => {
    const error = toApiError(new InsufficientCreditsError(3, 1));
    expect(error).toBeInstanceOf(HttpError);
    expect(publicErrorBody(error as HttpError)).toMatchObject({
      statusCode: 402,
      name: "insufficient_credits",
      message: PRODUCT_COPY.outOfCredits,
      required: 3,
      available: 1,
      top_up_url: expect.stringMatching(/\/dashboard\/billing$/),
    });
  });

  it("describes the API in OpenAPI 3.1", () => {
    const doc = openApiDocument("https://mailkit.example/api");
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0]!.url).toBe("https://mailkit.example/api");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/emails",
        "/emails/batch",
        "/emails/{id}",
        "/suppressions",
        "/webhooks",
        "/webhooks/{id}",
      ]),
    );
    expect(Object.keys(doc.paths["/emails"]!.post!.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "402", "409", "413", "422", "429", "500"]),
    );
  });

  it("generates the OpenAPI schemas from the API's own zod schemas and error catalogue", () => {
    const doc = openApiDocument("https://mailkit.example/api");
    const send = doc.components.schemas.SendEmail as { properties: Record<string, { maxLength?: number }> };
    expect(send.properties.subject!.maxLength).toBe(MAX_SUBJECT_LENGTH);
    const responses: Record<string, unknown> = doc.paths["/emails"]!.post!.responses;
    const insufficient = responses["402"] as {
      content: { "application/json": { examples: Record<string, { value: Record<string, unknown> }> } };
    };
    expect(insufficient.content["application/json"].examples.insufficient_credits!.value).toMatchObject({
      statusCode: 402,
      name: "insufficient_credits",
      message: INSUFFICIENT_CREDITS_MESSAGE,
    });
    const ok = doc.paths["/emails/{id}"]!.get!.responses["200"] as { content: Record<string, { schema: unknown }> };
    const answer = ok.content["application/json"]!.schema as { properties: Record<string, { enum?: string[] }> };
    expect(answer.properties.status!.enum).toEqual([...SEND_STATUSES]);
  });
});

describe("sending configuration", () => {
  it("backs off exponentially up to a cap", () => {
    configureTuning({ retryBaseDelayMs: 1000, maxRetryDelayMs: 5000 });
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(n))).toEqual([1000, 2000, 4000, 5000, 5000]);
    configureTuning({});
    expect(getTuning().rateLimitPerSecond).toBe(10);
  });
});
