import { afterEach, describe, expect, it } from "vitest";

import * as cronRoute from "@/app/api/cron/route";
import * as healthRoute from "@/app/api/health/route";
import * as readyRoute from "@/app/api/ready/route";
import { BACKGROUND_LOOPS, startBackgroundWork } from "@/lib/background";
import { resetEnvForTests } from "@/lib/env";
import { freezeLoopForTests, loopStates, resetLoopsForTests } from "@/lib/runtime/loops";

/**
 * /api/health is liveness, /api/ready readiness: the database with its migrations, and every loop this role runs
 * having completed a pass recently. /api/cron runs one pass of every loop for a caller with the cron secret.
 */
const get = (route: { GET: (request: Request) => Promise<Response> }, headers: Record<string, string> = {}) =>
  route.GET(new Request("http://localhost/api/x", { headers }));

afterEach(() => {
  resetLoopsForTests();
  delete process.env.CRON_SECRET;
  resetEnvForTests();
});

describe("health, readiness and cron", () => {
  it("reports a loop that stopped running within 30 s, naming it", async () => {
    startBackgroundWork("all");
    expect((await get(healthRoute)).status).toBe(200);
    let ready = await get(readyRoute);
    for (let i = 0; i < 40 && ready.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      ready = await get(readyRoute);
    }
    expect(ready.status).toBe(200);
    const loops = ((await ready.json()) as { loops: Array<{ name: string }> }).loops;
    expect(loops.map((l) => l.name)).toEqual(BACKGROUND_LOOPS.map((l) => l.name));

    freezeLoopForTests("debits"); // registered, never runs again: a dead loop seen from outside
    const stopped = Date.now();
    let body: { ok: boolean; problems: string[] } = { ok: true, problems: [] };
    while (body.ok && Date.now() - stopped < 35_000) {
      await new Promise((r) => setTimeout(r, 500));
      const answer = await get(readyRoute);
      body = (await answer.json()) as typeof body;
      if (!body.ok) expect(answer.status).toBe(503);
    }
    expect(body.ok).toBe(false);
    expect(Date.now() - stopped).toBeLessThan(30_000);
    expect(body.problems).toEqual([expect.stringMatching(/^loop debits: no pass for \d+ s/)]);
  }, 60_000);

  it("a web instance runs no loop; it dispatches on demand only", () => {
    startBackgroundWork("web");
    expect(loopStates().map((s) => [s.name, s.onDemand])).toEqual([["dispatcher", true]]);
  });

  it("/api/cron: 404 without CRON_SECRET, 401 with a wrong one, one pass of every loop with the right one", async () => {
    expect((await get(cronRoute)).status).toBe(404);
    process.env.CRON_SECRET = "a-cron-secret-of-32-characters!!";
    resetEnvForTests();
    const wrong = await get(cronRoute, { authorization: "Bearer a-cron-secret-of-32-characters!?" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: "unauthorized" });
    const right = await get(cronRoute, { authorization: "Bearer a-cron-secret-of-32-characters!!" });
    expect(right.status).toBe(200);
    const body = (await right.json()) as { loops: Array<{ loop: string }> };
    expect(body.loops.map((l) => l.loop)).toEqual(BACKGROUND_LOOPS.map((l) => l.name));
    expect(body.loops.map((l) => l.loop)).toEqual(
      expect.arrayContaining(["dispatcher", "debits", "credit-syncs", "outbox", "webhook-deliveries", "domains"]),
    );
  });
});
