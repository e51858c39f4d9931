import type { CreateEmailOptions } from "resend";
import { describe, expect, it } from "vitest";

import { emailOptions, resendClient, withResendEmulator } from "@/emulators/resend/test-harness";

// Fault injection: errors, latency and hangs, before or after the email is accepted.

const emu = withResendEmulator();

const email = (over: Partial<CreateEmailOptions> = {}) => emailOptions({ subject: "Faults", html: "<p>x</p>" }, over);
const control = emu.control;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("faults through the control plane", () => {
  it("500 ×2 then OK; nothing stored by the failed attempts", async () => {
    const added = await control("POST", "/faults", { method: "POST", pathPrefix: "/emails", status: 500, count: 2 });
    expect(added.status).toBe(200);
    const resend = resendClient(emu.url);
    const results = [];
    for (let i = 0; i < 3; i++) results.push(await resend.emails.send(email(), { idempotencyKey: "retry/1" }));
    expect(results.map((r) => r.error?.statusCode ?? 200)).toEqual([500, 500, 200]);
    expect(results[0]!.error).toMatchObject({ name: "application_error" });
    expect(emu.resend.messages()).toHaveLength(1);
  });

  it("afterAccept hang: the client times out, yet the email was sent; a retry with the key gets its id", async () => {
    await control("POST", "/faults", {
      method: "POST",
      pathPrefix: "/emails",
      hang: true,
      afterAccept: true,
      count: 1,
    });
    const resend = resendClient(emu.url);
    const timedOut = await resend.emails.send(email({ to: "late@example.com" }), {
      idempotencyKey: "hang/1",
      signal: AbortSignal.timeout(300),
    });
    expect(timedOut.data).toBeNull();
    expect(timedOut.error).toMatchObject({ name: "application_error", statusCode: null });

    const stored = emu.resend.messages({ to: "late@example.com" });
    expect(stored).toHaveLength(1);
    await emu.resend.idle();
    expect(emu.resend.message(stored[0]!.id)!.last_event).toBe("delivered");

    const retry = await resend.emails.send(email({ to: "late@example.com" }), { idempotencyKey: "hang/1" });
    expect(retry.data).toEqual({ id: stored[0]!.id });
    expect(emu.resend.messages()).toHaveLength(1);
  });

  it("afterAccept 500: the client sees an error although the email was sent", async () => {
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", status: 500, afterAccept: true, count: 1 });
    const resend = resendClient(emu.url);
    const failed = await resend.emails.send(email(), { idempotencyKey: "after/500" });
    expect(failed.error).toMatchObject({ statusCode: 500 });
    expect(emu.resend.messages()).toHaveLength(1);
    const retry = await resend.emails.send(email(), { idempotencyKey: "after/500" });
    expect(retry.data).toEqual({ id: emu.resend.messages()[0]!.id });
  });

  it("a hang before accept (the default) stores nothing and does not burn the key", async () => {
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", hang: true, count: 1 });
    const resend = resendClient(emu.url);
    const timedOut = await resend.emails.send(email(), { idempotencyKey: "hang/2", signal: AbortSignal.timeout(200) });
    expect(timedOut.error).toMatchObject({ statusCode: null });
    expect(emu.resend.messages()).toHaveLength(0);
    const retry = await resend.emails.send(email(), { idempotencyKey: "hang/2" });
    expect(retry.error).toBeNull();
    expect(emu.resend.messages()).toHaveLength(1);
  });

  it("latency before accept: a client that gives up first leaves nothing stored", async () => {
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", latencyMs: 300, count: 1 });
    const resend = resendClient(emu.url);
    const timedOut = await resend.emails.send(email(), { signal: AbortSignal.timeout(100) });
    expect(timedOut.error).toMatchObject({ statusCode: null });
    await sleep(350);
    expect(emu.resend.messages()).toHaveLength(0);
  });

  it("latency after accept with a client timeout: stored, client saw a timeout", async () => {
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", latencyMs: 300, afterAccept: true, count: 1 });
    const resend = resendClient(emu.url);
    const timedOut = await resend.emails.send(email(), { signal: AbortSignal.timeout(100) });
    expect(timedOut.error).toMatchObject({ statusCode: null });
    expect(emu.resend.messages()).toHaveLength(1);
    await sleep(250); // let the held response finish before reset
  });

  it("latency without a timeout only slows the request; faults match method and path", async () => {
    emu.resend.faults.add({ method: "POST", pathPrefix: "/emails", latencyMs: 120, count: 1 });
    emu.resend.faults.add({ method: "GET", pathPrefix: "/emails", status: 503 });
    const resend = resendClient(emu.url);
    const started = Date.now();
    const sent = await resend.emails.send(email());
    expect(sent.error).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect((await resend.emails.get(sent.data!.id)).error).toMatchObject({ statusCode: 503 });
  });

  it("lists, removes and clears faults; baseLatencyMs adds latency to every request", async () => {
    const a = await control("POST", "/faults", [
      { pathPrefix: "/emails", status: 500 },
      { pathPrefix: "/emails", hang: true, afterAccept: true },
    ]);
    const added = (a.json.data as { faults: { id: number; afterAccept?: boolean }[] }).faults;
    expect(added).toHaveLength(2);
    expect(added[1]!.afterAccept).toBe(true);
    expect(((await control("GET", "/faults")).json.data as { faults: unknown[] }).faults).toHaveLength(2);
    expect((await control("DELETE", `/faults/${added[1]!.id}`)).status).toBe(200);
    expect(((await control("GET", "/faults")).json.data as { faults: unknown[] }).faults).toHaveLength(1);
    expect((await control("DELETE", "/faults")).status).toBe(200);
    expect(((await control("GET", "/faults")).json.data as { faults: unknown[] }).faults).toHaveLength(0);

    await control("POST", "/faults", { baseLatencyMs: 80 });
    const resend = resendClient(emu.url);
    const started = Date.now();
    expect((await resend.emails.list()).error).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(70);
    expect((await control("POST", "/faults", { nothing: true })).status).toBe(400);
  });
});
