import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import DodoPayments from "dodopayments";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { startReceiver, startTestbed, type Catalog, type Receiver, type Testbed } from "@/emulators/dodo/testing";

/** Fault injection, the control plane, the admin page, persistence across restarts and reset. */
let t: Testbed;
let catalog: Catalog;

beforeAll(async () => {
  t = await startTestbed();
  catalog = await t.catalog();
});
afterAll(() => t.close());
afterEach(() => {
  t.dodo.faults.clear();
});

const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${t.server.url}/_emulator/dodo${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown> & { items?: Array<Record<string, unknown>> },
  };
};
const timed = async <T>(fn: () => Promise<T>): Promise<number> => {
  const started = performance.now();
  await fn();
  return performance.now() - started;
};

describe("faults", () => {
  it("answers an error status for N calls, then recovers", async () => {
    const { body } = await call("POST", "/faults", { method: "GET", pathPrefix: "/products", status: 500, count: 2 });
    expect(body).toMatchObject({ id: expect.any(Number), status: 500, remaining: 2 });
    await expect(t.client.products.list()).rejects.toBeInstanceOf(DodoPayments.InternalServerError);
    await expect(t.client.products.list()).rejects.toMatchObject({
      status: 500,
      error: { code: "INTERNAL_SERVER_ERROR" },
    });
    expect((await t.client.products.list()).items).toHaveLength(2);
  });

  it("only hits the matching method and route", async () => {
    t.dodo.faults.add({ method: "POST", pathPrefix: "/customers", status: 503 });
    expect((await t.client.customers.list()).items).toBeDefined();
    await expect(t.client.customers.create({ email: "f@example.com", name: "F" })).rejects.toMatchObject({
      status: 503,
    });
    await expect(t.client.products.retrieve(catalog.planId)).resolves.toBeDefined();
  });

  it("lets the SDK's own retries ride over a short outage", async () => {
    await call("POST", "/faults", { pathPrefix: "/credit-entitlements", status: 429, count: 1 });
    const retrying = t.sdk({ maxRetries: 1 });
    expect((await retrying.creditEntitlements.retrieve(catalog.entitlementId)).id).toBe(catalog.entitlementId);
  });

  it("fails for a time window", async () => {
    t.dodo.faults.add({ pathPrefix: "/products", status: 502, durationMs: 120 });
    await expect(t.client.products.list()).rejects.toMatchObject({ status: 502 });
    await new Promise((r) => setTimeout(r, 150));
    await expect(t.client.products.list()).resolves.toBeDefined();
  });

  it("adds latency per route and globally", async () => {
    t.dodo.faults.add({ method: "GET", pathPrefix: "/products", latencyMs: 80 });
    expect(await timed(() => t.client.products.list())).toBeGreaterThanOrEqual(75);
    expect(await timed(() => t.client.customers.list())).toBeLessThan(60);
    await call("PUT", "/latency", { ms: 60 });
    expect(await timed(() => t.client.customers.list())).toBeGreaterThanOrEqual(55);
    expect((await call("GET", "/faults")).body).toMatchObject({ latency_ms: 60 });
    await call("DELETE", "/faults");
    expect(await timed(() => t.client.customers.list())).toBeLessThan(50);
  });

  it("hangs a request until the client times out, then answers again", async () => {
    const { body } = await call("POST", "/faults", { pathPrefix: "/customers", hang: true, count: 1 });
    const impatient = t.sdk({ timeout: 200 });
    await expect(impatient.customers.list()).rejects.toBeInstanceOf(DodoPayments.APIConnectionTimeoutError);
    await expect(impatient.customers.list()).resolves.toBeDefined();
    expect((await call("DELETE", `/faults/${String(body.id)}`)).status).toBe(404); // already used up
  });
});

describe("control plane", () => {
  it("completes a checkout without a browser and lists customers and subscriptions", async () => {
    const session = await t.client.checkoutSessions.create({
      product_cart: [{ product_id: catalog.planId, quantity: 1 }],
      customer: { email: "cp@example.com", name: "CP" },
      return_url: "http://localhost:3000/return",
    });
    const { status, body } = await call("POST", `/checkouts/${session.session_id}/complete`, {
      card: "4576238912771450",
    });
    expect(status).toBe(200);
    const redirect = new URL(String(body.redirect_url));
    expect(redirect.searchParams.get("status")).toBe("active");
    expect(redirect.searchParams.get("subscription_id")).toBe(body.subscription_id);
    expect(redirect.searchParams.get("email")).toBe("cp@example.com");
    expect((await call("POST", `/checkouts/${session.session_id}/complete`, {})).status).toBe(409);
    expect((await call("POST", "/checkouts/cks_missing/complete", {})).status).toBe(404);

    const customers = (await call("GET", "/customers")).body.items!;
    expect(customers.find((c) => c.email === "cp@example.com")).toMatchObject({
      balances: [expect.objectContaining({ balance: "5000" })],
      subscription_ids: [body.subscription_id],
    });
    const subs = (await call("GET", "/subscriptions")).body.items!;
    expect(subs.find((s) => s.subscription_id === body.subscription_id)).toMatchObject({
      status: "active",
      fail_next_renewal: false,
    });
    expect((await call("GET", "/state")).body).toMatchObject({
      counts: expect.objectContaining({ subscriptions: expect.any(Number) }),
    });
  });

  it("reads and validates settings", async () => {
    expect((await call("GET", "/settings")).body).toMatchObject({
      idempotencyReplay: "replay",
      wireAmounts: "strings",
      consumptionOrder: "fifo",
    });
    expect((await call("PATCH", "/settings", { wireAmounts: "bytes" })).status).toBe(422);
    expect((await call("PATCH", "/settings", { nope: true })).status).toBe(422);
    expect((await call("PATCH", "/settings", { renewedOnFirstCharge: true })).body).toMatchObject({
      renewedOnFirstCharge: true,
    });
    await call("PATCH", "/settings", { renewedOnFirstCharge: false });
  });

  it("answers 404 for unknown routes and renders the admin page", async () => {
    expect((await call("GET", "/nope")).status).toBe(404);
    const html = await (await fetch(`${t.server.url}/`)).text();
    expect(html).toContain("Resend inbox");
    expect(html).toContain('href="/inbox"');
    expect(html).toContain("Advance to renewal");
    expect(html).toContain("idempotencyReplay");
  });
});

describe("persistence", () => {
  let dir: string;
  let receiver: Receiver;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dodo-emulator-"));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps everything across a restart, and forgets it all on reset", async () => {
    const first = await startTestbed({ stateDir: dir, receiver });
    const cat = await first.catalog();
    const { customerId, subscriptionId } = await first.subscribe(cat, "persist@example.com");
    const debit = await first.client.creditEntitlements.balances.createLedgerEntry(customerId, {
      credit_entitlement_id: cat.entitlementId,
      entry_type: "debit",
      amount: "25",
      idempotency_key: "persisted-key",
    });
    first.dodo.updateSettings({ consumptionOrder: "soonest_expiring" });
    first.dodo.advanceClock(3 * 86_400_000);
    const clock = first.dodo.now().getTime();
    await first.dodo.idle();
    const deliveries = first.dodo.webhooks.deliveries.length;
    await first.close();

    const second = await startTestbed({ stateDir: dir, receiver });
    try {
      const balance = await second.client.creditEntitlements.balances.retrieve(customerId, {
        credit_entitlement_id: cat.entitlementId,
      });
      expect(balance.balance).toBe("4975");
      expect((await second.client.subscriptions.retrieve(subscriptionId)).status).toBe("active");
      expect((await second.client.products.retrieve(cat.planId)).name).toBe("MailKit Plan");
      const ledger = await second.client.creditEntitlements.balances.listLedger(customerId, {
        credit_entitlement_id: cat.entitlementId,
      });
      expect(ledger.items.map((x) => x.transaction_type)).toEqual(["credit_deducted", "credit_added"]);
      // The idempotency record survived too: the same request replays.
      const replay = await second.client.creditEntitlements.balances.createLedgerEntry(customerId, {
        credit_entitlement_id: cat.entitlementId,
        entry_type: "debit",
        amount: "25",
        idempotency_key: "persisted-key",
      });
      expect(replay).toEqual(debit);
      expect(second.dodo.settings.consumptionOrder).toBe("soonest_expiring");
      expect(Math.abs(second.dodo.now().getTime() - clock)).toBeLessThan(5_000);
      expect(second.dodo.webhooks.deliveries).toHaveLength(deliveries);

      const reset = await fetch(`${second.server.url}/_emulator/reset`, { method: "POST" });
      expect(reset.status).toBe(200);
      expect((await second.client.products.list()).items).toEqual([]);
      expect(second.dodo.settings.consumptionOrder).toBe("fifo");
      expect(second.dodo.webhooks.deliveries).toHaveLength(0);
    } finally {
      await second.close();
    }
    const third = await startTestbed({ stateDir: dir, receiver });
    try {
      expect((await third.client.customers.list()).items).toEqual([]);
    } finally {
      await third.close();
    }
  });
});
