import { Resend } from "resend";
import type { IncomingMessage, ServerResponse } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/keys/api-keys";
import { db } from "@/lib/db";
import { DOMAINS_LOOP, pollDomains } from "@/lib/domains";
import { startLoop, stopLoop } from "@/lib/runtime/loops";
import { configureTuning } from "@/lib/runtime/tuning";
import { DISPATCHER_LOOP, dispatchPass } from "@/lib/sending/dispatcher";

import { createFundedUser, withTestWorld } from "./helpers/environment";

/**
 * Noisy neighbours in sender domains: hostile accounts fill MailKit's Resend team with unverified domains (each account up to
 * the per-customer cap) while another customer sends. The domain poller and the dispatcher run as in production
 * (two instances' worth of polling loops) with Resend's default team limit of 5 calls/s; the emulator's own rate
 * limit is off so that every call it sees is MailKit's own pacing. Each of the other customer's emails must reach
 * Resend within 3 s, and no second at the emulator may see more than 5 calls.
 */

const world = withTestWorld();
const TEAM_LIMIT = 5;
const HOSTILE_ACCOUNTS = 10;
const DOMAINS_PER_ACCOUNT = 10;
const LOOPS = [`${DOMAINS_LOOP}-a`, `${DOMAINS_LOOP}-b`, DISPATCHER_LOOP];

afterAll(() => LOOPS.forEach(stopLoop));

type ResendCall = { at: number; path: string; status?: number };

/** Resend API calls as the emulator's HTTP server sees them (arrival time, then the status it answered). */
function recordResendCalls(): { calls: ResendCall[]; stop(): void } {
  const calls: ResendCall[] = [];
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    if (!req.url?.startsWith("/resend/")) return;
    const call: ResendCall = { at: Date.now(), path: `${req.method} ${req.url}` };
    calls.push(call);
    res.once("finish", () => (call.status = res.statusCode));
  };
  world.emulators.server.prependListener("request", listener);
  return { calls, stop: () => world.emulators.server.off("request", listener) };
}

/** The most calls any one-second window saw (windows starting at each call). */
function busiestSecond(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! < sorted[i]! - 999) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

async function hostileAccount(index: number) {
  const { user } = await createFundedUser(world, 0, `hostile-${index}`, { domain: null });
  const key = await createApiKey(user.id, { name: "noisy", permission: "full_access", rateLimitPerSecond: 1000 });
  const sdk = new Resend(key.token, { baseUrl: world.app.apiBase });
  for (let d = 0; d < DOMAINS_PER_ACCOUNT; d++) {
    const { data, error } = await sdk.domains.create({ name: `d${d}.hostile-${index}.test` });
    if (error) throw new Error(error.message);
    await sdk.domains.verify(data!.id); // DNS never published: pending for as long as the claim lasts
  }
  return user.id;
}

let hostiles: string[] = [];
let victimSdk: Resend;

beforeAll(async () => {
  hostiles = await Promise.all(Array.from({ length: HOSTILE_ACCOUNTS }, (_, i) => hostileAccount(i)));
  const { user } = await createFundedUser(world, 50, "victim", { domain: "victim-noisy.test" });
  const key = await createApiKey(user.id, { name: "victim", permission: "sending_access" });
  victimSdk = new Resend(key.token, { baseUrl: world.app.apiBase });
}, 120_000);

/**
 * Makes every hostile domain due (as after its first interval), runs two instances' pollers and the dispatcher
 * under Resend's team limit, and times the victim's emails from its API request to their arrival at Resend.
 */
async function replay(label: string) {
  await db.senderDomain.updateMany({ where: { userId: { in: hostiles } }, data: { nextCheckAt: new Date(0) } });
  configureTuning({ providerTimeoutMs: 5_000, resendRatePerSecond: TEAM_LIMIT });
  const recorder = recordResendCalls();
  const started = new Date();
  startLoop(LOOPS[0]!, 1_000, () => pollDomains());
  startLoop(LOOPS[1]!, 1_000, () => pollDomains());
  startLoop(DISPATCHER_LOOP, 250, dispatchPass);
  try {
    await new Promise((r) => setTimeout(r, 2_000)); // the pollers are busy before the first email
    const latencies: number[] = [];
    for (let i = 0; i < 6; i++) {
      const to = `${label}-${i}-${Date.now()}@example.com`;
      const sentAt = Date.now();
      const { error } = await victimSdk.emails.send({ from: "hi@victim-noisy.test", to, subject: "Hi", text: "Hi" });
      expect(error).toBeNull();
      while (world.emulators.resend.messages({ to }).length === 0 && Date.now() - sentAt < 15_000)
        await new Promise((r) => setTimeout(r, 10));
      latencies.push(Date.now() - sentAt);
      await new Promise((r) => setTimeout(r, 700));
    }
    const seconds = (Date.now() - started.getTime()) / 1000;
    const calls = recorder.calls;
    const domainCalls = calls.filter((c) => c.path.includes("/domains"));
    const polled = await db.senderDomain.count({ where: { userId: { in: hostiles }, polledAt: { gte: started } } });
    const figures = {
      latencies,
      seconds,
      calls: calls.length,
      domainCalls: domainCalls.length,
      rateLimited: calls.filter((c) => c.status === 429).length,
      busiestSecond: busiestSecond(calls.map((c) => c.at)),
      busiestDomainSecond: busiestSecond(domainCalls.map((c) => c.at)),
      polled,
    };
    console.log(`[noisy-neighbour ${label}]`, JSON.stringify(figures));
    return figures;
  } finally {
    LOOPS.forEach(stopLoop);
    recorder.stop();
    configureTuning({ providerTimeoutMs: 2_000, resendRatePerSecond: 1_000 });
  }
}

describe("noisy neighbour: 100 unverified domains of 10 hostile accounts", () => {
  it("another customer's emails reach Resend within 3 s and Resend never sees more than its team limit", async () => {
    expect(await db.senderDomain.count({ where: { userId: { in: hostiles }, status: "pending" } })).toBe(100);
    const figures = await replay("unlimited");
    expect(Math.max(...figures.latencies)).toBeLessThan(3_000);
    expect(figures.busiestSecond).toBeLessThanOrEqual(TEAM_LIMIT);
    // Polling went on (not starved) within its share: about one call a second across both pollers.
    expect(figures.polled).toBeGreaterThan(0);
    expect(figures.domainCalls).toBeLessThanOrEqual(Math.ceil(figures.seconds) + 1);
    expect(figures.busiestDomainSecond).toBeLessThanOrEqual(2);
  });

  it("with Resend's own limit on (5/s), no call meets a 429 and the emails still arrive within 3 s", async () => {
    world.emulators.resend.setRateLimit({ enabled: true, perSecond: TEAM_LIMIT });
    try {
      const figures = await replay("limited");
      expect(figures.rateLimited).toBe(0);
      expect(Math.max(...figures.latencies)).toBeLessThan(3_000);
    } finally {
      world.emulators.resend.setRateLimit({ enabled: false });
    }
  });
});
