import { afterAll, describe, expect, it } from "vitest";

import { GET as metricsRoute } from "@/app/api/metrics/route";
import { resetEnvForTests } from "@/lib/env";
import { sendEmails } from "@/lib/sending";
import { drainDispatcher } from "@/lib/sending/dispatcher";

import { createFundedUser, outgoingEmail, withTestWorld } from "./helpers/environment";

/** GET /api/metrics: Prometheus text behind METRICS_TOKEN, 404 when no token is configured. */

const world = withTestWorld();
const request = (token?: string) =>
  new Request("http://localhost/api/metrics", token ? { headers: { authorization: `Bearer ${token}` } } : {});

function useToken(token: string | undefined) {
  if (token === undefined) delete process.env.METRICS_TOKEN;
  else process.env.METRICS_TOKEN = token;
  resetEnvForTests();
}
afterAll(() => useToken(undefined));

describe("metrics", () => {
  it("is 404 without METRICS_TOKEN, 401 with a wrong token", async () => {
    useToken(undefined);
    expect((await metricsRoute(request("anything"))).status).toBe(404);
    useToken("s3cret-metrics-token");
    expect((await metricsRoute(request())).status).toBe(401);
    expect((await metricsRoute(request("wrong"))).status).toBe(401);
  });

  it("reports sends, queue depth, Resend calls and batch sizes, pending debits", async () => {
    useToken("s3cret-metrics-token");
    const { user, customerId } = await createFundedUser(world, 5, "metrics");
    await sendEmails({ userId: user.id, customerId, source: "api" }, [outgoingEmail("m1@example.com")]);
    await sendEmails({ userId: user.id, customerId, source: "api" }, [outgoingEmail("m2@example.com")]);
    const queued = await (await metricsRoute(request("s3cret-metrics-token"))).text();
    expect(queued).toMatch(/^mailkit_queue_depth 2$/m);
    expect(queued).toMatch(/^mailkit_sends_accepted_total\{source="api"\} \d+$/m);
    expect(queued).toMatch(/^mailkit_queue_oldest_age_seconds [\d.]+$/m);

    await drainDispatcher();
    const response = await metricsRoute(request("s3cret-metrics-token"));
    expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/^mailkit_queue_depth 0$/m);
    expect(text).toMatch(/^mailkit_resend_calls_total\{endpoint="batch",outcome="accepted"\} \d+$/m);
    expect(text).toMatch(/^mailkit_resend_batch_size_bucket\{le="2"\} \d+$/m);
    expect(text).toMatch(/^mailkit_pending_debit_credits [1-9]\d*$/m);
    expect(text).toMatch(/^mailkit_sends_settled_total\{outcome="sent"\} \d+$/m);
  });
});
