import { describe, expect, it } from "vitest";

import { emailOptions, resendClient, withResendEmulator } from "@/emulators/resend/test-harness";

// The optional rate limit: Resend's ratelimit-* headers and 429 rate_limit_exceeded with retry-after.

const emu = withResendEmulator({ apiKeys: ["re_second_key"] });

const email = emailOptions({ subject: "Rate", html: "<p>x</p>" });

describe("rate limit", () => {
  it("is off by default (no ratelimit headers, no 429)", async () => {
    const resend = resendClient(emu.url);
    const results = await Promise.all(Array.from({ length: 6 }, () => resend.emails.list()));
    expect(results.every((r) => r.error === null)).toBe(true);
    expect(results[0]!.headers).not.toHaveProperty("ratelimit-limit");
  });

  it("when enabled: 2 requests per second per key, then 429 with retry-after", async () => {
    const settings = await emu.control("POST", "/settings", { rateLimit: { enabled: true } });
    expect(settings.json).toMatchObject({ data: { rateLimit: { enabled: true, perSecond: 2 } } });

    const resend = resendClient(emu.url);
    const first = await resend.emails.send(email);
    const second = await resend.emails.list();
    const third = await resend.emails.send(email);
    expect(first.error).toBeNull();
    expect(first.headers).toMatchObject({ "ratelimit-limit": "2", "ratelimit-remaining": "1", "ratelimit-reset": "1" });
    expect(second.headers).toMatchObject({ "ratelimit-remaining": "0" });
    expect(third.error).toMatchObject({ statusCode: 429, name: "rate_limit_exceeded" });
    expect(third.headers).toMatchObject({ "ratelimit-limit": "2", "ratelimit-remaining": "0", "retry-after": "1" });
    expect(emu.resend.messages()).toHaveLength(1);

    // Another key has its own budget; the first key recovers after the window.
    expect((await resendClient(emu.url, "re_second_key").emails.list()).error).toBeNull();
    await new Promise((r) => setTimeout(r, 1050));
    expect((await resend.emails.list()).error).toBeNull();
  });

  it("is configurable programmatically and reset() turns it off again", async () => {
    emu.resend.setRateLimit({ enabled: true, perSecond: 5 });
    const resend = resendClient(emu.url);
    const results = await Promise.all(Array.from({ length: 7 }, () => resend.emails.list()));
    expect(results.filter((r) => r.error?.name === "rate_limit_exceeded")).toHaveLength(2);
    expect(results.find((r) => r.error === null)!.headers).toMatchObject({ "ratelimit-limit": "5" });
    await emu.resend.reset();
    const after = await Promise.all(Array.from({ length: 7 }, () => resend.emails.list()));
    expect(after.every((r) => r.error === null)).toBe(true);
  });

  it("rejects a bad setting with 400", async () => {
    const res = await emu.control("POST", "/settings", { rateLimit: { perSecond: 0 } });
    expect(res.status).toBe(400);
  });
});
