import DodoPayments from "dodopayments";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { startTestbed, type Catalog, type Testbed } from "@/emulators/dodo/testing";

/** Credit semantics: grants, FIFO with expiry, all-or-nothing debits, idempotency, ledger/grant lists, switches. */
let t: Testbed;
let catalog: Catalog;
const DAY = 86_400_000;

beforeAll(async () => {
  t = await startTestbed();
});
afterAll(() => t.close());
afterEach(async () => {
  await t.dodo.idle(); // late webhooks from this test must not land in the next one
  await t.dodo.reset();
  t.receiver.received.length = 0;
});

async function customer(email = "c@example.com") {
  catalog = await t.catalog();
  return (await t.client.customers.create({ email, name: "C" })).customer_id;
}

const entry = (
  customerId: string,
  body: Omit<
    Parameters<DodoPayments["creditEntitlements"]["balances"]["createLedgerEntry"]>[1],
    "credit_entitlement_id"
  >,
  client = t.client,
) =>
  client.creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: catalog.entitlementId,
    ...body,
  });
const balance = async (customerId: string) =>
  (await t.client.creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: catalog.entitlementId }))
    .balance;
const ledger = async (customerId: string) =>
  (
    await t.client.creditEntitlements.balances.listLedger(customerId, {
      credit_entitlement_id: catalog.entitlementId,
      page_size: 100,
      page_number: 0,
    })
  ).items;
const grants = async (customerId: string, status?: "active" | "expired" | "depleted") =>
  (
    await t.client.creditEntitlements.balances.listGrants(customerId, {
      credit_entitlement_id: catalog.entitlementId,
      page_size: 100,
      page_number: 0,
      ...(status ? { status } : {}),
    })
  ).items;

describe("balances and grants", () => {
  it("answers 404 before the first grant, then the balance as strings", async () => {
    const c = await customer();
    await expect(
      t.client.creditEntitlements.balances.retrieve(c, { credit_entitlement_id: catalog.entitlementId }),
    ).rejects.toMatchObject({ status: 404, error: { code: "NOT_FOUND" } });
    const credit = await entry(c, { entry_type: "credit", amount: "300", reason: "welcome" });
    expect(credit).toMatchObject({
      amount: "300",
      balance_before: "0",
      balance_after: "300",
      entry_type: "credit",
      is_credit: true,
      overage_before: "0",
      overage_after: "0",
      reason: "welcome",
    });
    expect(credit.id).toMatch(/^cdl_/);
    expect(credit.grant_id).toMatch(/^cdg_/);
    const b = await t.client.creditEntitlements.balances.retrieve(c, { credit_entitlement_id: catalog.entitlementId });
    expect(b).toMatchObject({
      balance: "300",
      overage: "0",
      customer_id: c,
      credit_entitlement_id: catalog.entitlementId,
    });
    expect(b.id).toMatch(/^cdb_/);
    const list = await t.client.creditEntitlements.balances.list(catalog.entitlementId, { customer_id: c });
    expect(list.items.map((x) => x.balance)).toEqual(["300"]);
  });

  it("stacks grants and consumes them oldest first, skipping expired ones", async () => {
    const c = await customer();
    const soon = new Date(t.dodo.now().getTime() + 2 * DAY).toISOString();
    const a = await entry(c, { entry_type: "credit", amount: "100", expires_at: soon }); // oldest, expires first
    const b = await entry(c, { entry_type: "credit", amount: "100" });
    const d = await entry(c, { entry_type: "debit", amount: "50" });
    expect(d.grant_id).toBe(a.grant_id); // FIFO: the oldest grant
    expect(d.balance_after).toBe("150");
    t.dodo.advanceClock(3 * DAY); // grant a expires with 50 left
    expect(await balance(c)).toBe("100");
    const expired = (await ledger(c)).find((x) => x.transaction_type === "credit_expired");
    expect(expired).toMatchObject({
      amount: "50",
      balance_before: "150",
      balance_after: "100",
      grant_id: a.grant_id,
      is_credit: false,
    });
    const after = await entry(c, { entry_type: "debit", amount: "30" });
    expect(after.grant_id).toBe(b.grant_id);
    expect((await grants(c, "expired")).map((g) => g.id)).toEqual([a.grant_id]);
    expect((await grants(c, "active")).map((g) => g.remaining_amount)).toEqual(["70"]);
    const all = await grants(c);
    expect(all.map((g) => g.id)).toEqual([a.grant_id, b.grant_id]); // oldest first
    expect(all[0]).toMatchObject({
      source_type: "api",
      initial_amount: "100",
      remaining_amount: "0",
      is_expired: true,
      rollover_count: 0,
    });
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.expired").map((h) => h.event.data.amount)).toEqual(["50"]);
  });

  it("spans several grants in one debit and marks the emptied ones depleted", async () => {
    const c = await customer();
    await entry(c, { entry_type: "credit", amount: "40" });
    await entry(c, { entry_type: "credit", amount: "40" });
    const d = await entry(c, { entry_type: "debit", amount: "60" });
    expect(d).toMatchObject({ balance_before: "80", balance_after: "20", grant_id: null });
    expect((await grants(c, "depleted")).length).toBe(1);
    expect((await grants(c, "active")).map((g) => g.remaining_amount)).toEqual(["20"]);
  });

  it("can consume the soonest-expiring grant first (switch)", async () => {
    const c = await customer();
    t.dodo.updateSettings({ consumptionOrder: "soonest_expiring" });
    await entry(c, { entry_type: "credit", amount: "100" }); // never expires
    const later = await entry(c, {
      entry_type: "credit",
      amount: "100",
      expires_at: new Date(t.dodo.now().getTime() + 5 * DAY).toISOString(),
    });
    expect((await entry(c, { entry_type: "debit", amount: "10" })).grant_id).toBe(later.grant_id);
  });
});

describe("insufficient balance", () => {
  it("answers 400 INSUFFICIENT_CREDITS and writes nothing", async () => {
    const c = await customer();
    await entry(c, { entry_type: "credit", amount: "100" });
    const state = JSON.stringify(t.dodo.engine.state);
    const error = await entry(c, { entry_type: "debit", amount: "101", idempotency_key: "too-much" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DodoPayments.BadRequestError);
    expect((error as InstanceType<typeof DodoPayments.BadRequestError>).error).toEqual({
      code: "INSUFFICIENT_CREDITS",
      message: "Insufficient credits: the balance is 100, the debit is 101",
    });
    expect(JSON.stringify(t.dodo.engine.state)).toBe(state);
    expect(await balance(c)).toBe("100");
    // The key was not consumed: the same key works once the balance allows it.
    await entry(c, { entry_type: "credit", amount: "1" });
    expect((await entry(c, { entry_type: "debit", amount: "101", idempotency_key: "too-much" })).balance_after).toBe(
      "0",
    );
  });

  it("rejects a debit before any grant with 400", async () => {
    const c = await customer();
    await expect(entry(c, { entry_type: "debit", amount: "1" })).rejects.toMatchObject({ status: 400 });
  });

  it("can deduct what is there instead (switch)", async () => {
    const c = await customer();
    t.dodo.updateSettings({ insufficientDebit: "partial" });
    await entry(c, { entry_type: "credit", amount: "10" });
    expect(await entry(c, { entry_type: "debit", amount: "25" })).toMatchObject({ amount: "10", balance_after: "0" });
  });
});

describe("idempotency", () => {
  it("replays a repeated key with the original response and writes nothing twice", async () => {
    const c = await customer();
    await entry(c, { entry_type: "credit", amount: "100" });
    const body = {
      entry_type: "debit" as const,
      amount: "7",
      idempotency_key: "resend_msg_1",
      reason: "email",
      metadata: { send: "s1" },
    };
    const first = await entry(c, body);
    const second = await entry(c, body);
    expect(second).toEqual(first);
    expect(await balance(c)).toBe("93");
    expect((await ledger(c)).filter((x) => x.transaction_type === "credit_deducted")).toHaveLength(1);
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.deducted")).toHaveLength(1);
  });

  it("replays when the SDK retries after a lost response", async () => {
    const c = await customer();
    await entry(c, { entry_type: "credit", amount: "100" });
    // The debit is written but its answer is lost (a 503 instead): the SDK retries the same body, which must
    // get the original entry back and not debit twice.
    t.dodo.faults.add({
      method: "POST",
      pathPrefix: "/credit-entitlements",
      status: 503,
      count: 1,
      afterHandling: true,
    });
    const retried = await entry(
      c,
      { entry_type: "debit", amount: "5", idempotency_key: "k" },
      t.sdk({ maxRetries: 2 }),
    );
    expect(retried).toMatchObject({ amount: "5", balance_before: "100", balance_after: "95" });
    expect(await balance(c)).toBe("95");
    expect((await ledger(c)).filter((x) => x.transaction_type === "credit_deducted").map((x) => x.id)).toEqual([
      retried.id,
    ]);
  });

  it("answers 409 for the same key with a different body, without SDK retries", async () => {
    const c = await customer();
    await entry(c, { entry_type: "credit", amount: "100" });
    await entry(c, { entry_type: "debit", amount: "5", idempotency_key: "k" });
    const started = Date.now();
    const error = await entry(
      c,
      { entry_type: "debit", amount: "6", idempotency_key: "k" },
      t.sdk({ maxRetries: 2 }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DodoPayments.ConflictError);
    expect(Date.now() - started).toBeLessThan(400); // x-should-retry: false
    expect(await balance(c)).toBe("95");
  });

  it("answers 409 for a repeated key when idempotencyReplay is 'conflict'", async () => {
    const c = await customer();
    t.dodo.updateSettings({ idempotencyReplay: "conflict" });
    await entry(c, { entry_type: "credit", amount: "100" });
    await entry(c, { entry_type: "debit", amount: "5", idempotency_key: "k" });
    await expect(entry(c, { entry_type: "debit", amount: "5", idempotency_key: "k" })).rejects.toMatchObject({
      status: 409,
      error: { code: "IDEMPOTENCY_KEY_EXISTS" },
    });
    expect(await balance(c)).toBe("95");
  });

  it("scopes keys to (entitlement, customer)", async () => {
    const a = await customer("a@example.com");
    const b = (await t.client.customers.create({ email: "b@example.com", name: "B" })).customer_id;
    await entry(a, { entry_type: "credit", amount: "10", idempotency_key: "same" });
    await entry(b, { entry_type: "credit", amount: "10", idempotency_key: "same" });
    expect([await balance(a), await balance(b)]).toEqual(["10", "10"]);
  });
});

describe("ledger", () => {
  it("lists newest first with zero-based pages, an empty last page and filters", async () => {
    const c = await customer();
    for (let i = 1; i <= 5; i++) await entry(c, { entry_type: "credit", amount: String(i) });
    await entry(c, { entry_type: "debit", amount: "3" });
    const params = { credit_entitlement_id: catalog.entitlementId, page_size: 4 };
    const p0 = await t.client.creditEntitlements.balances.listLedger(c, { ...params, page_number: 0 });
    const p1 = await t.client.creditEntitlements.balances.listLedger(c, { ...params, page_number: 1 });
    const p2 = await t.client.creditEntitlements.balances.listLedger(c, { ...params, page_number: 2 });
    expect(p0.items.map((x) => x.amount)).toEqual(["3", "5", "4", "3"]);
    expect(p1.items.map((x) => x.amount)).toEqual(["2", "1"]);
    expect(p2.items).toEqual([]);
    expect(p0.items[0]).toMatchObject({
      transaction_type: "credit_deducted",
      is_credit: false,
      balance_before: "15",
      balance_after: "12",
      brand_id: expect.any(String),
      business_id: expect.any(String),
      description: "Credits deducted via API",
    });
    const debits = await t.client.creditEntitlements.balances.listLedger(c, {
      credit_entitlement_id: catalog.entitlementId,
      transaction_type: "credit_deducted",
    });
    expect(debits.items).toHaveLength(1);
    await expect(
      t.client.creditEntitlements.balances.listLedger(c, {
        credit_entitlement_id: catalog.entitlementId,
        page_size: 101,
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      t.client.creditEntitlements.balances.listLedger(c, { credit_entitlement_id: "cde_missing" }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it("maps API entries to manual_adjustment when asked (switch)", async () => {
    const c = await customer();
    t.dodo.updateSettings({ apiEntryTransactionType: "manual_adjustment" });
    await entry(c, { entry_type: "credit", amount: "10" });
    await entry(c, { entry_type: "debit", amount: "4" });
    expect((await ledger(c)).map((x) => x.transaction_type)).toEqual(["manual_adjustment", "manual_adjustment"]);
    await t.dodo.idle();
    expect(t.receiver.ofType("credit.manual_adjustment")).toHaveLength(2);
  });
});

describe("wire formats", () => {
  it("sends balances as JSON numbers with wireAmounts: numbers", async () => {
    const c = await customer();
    await entry(c, { entry_type: "credit", amount: "42" });
    t.dodo.updateSettings({ wireAmounts: "numbers" });
    const raw = (await (
      await fetch(`${t.server.url}/dodo/credit-entitlements/${catalog.entitlementId}/balances/${c}`, {
        headers: { authorization: "Bearer dodo_local_emulator_key" },
      })
    ).json()) as { balance: unknown; overage: unknown };
    expect(raw.balance).toBe(42);
    expect(raw.overage).toBe(0);
  });

  it("answers a zero balance for a never-granted customer with missingBalance: zero", async () => {
    const c = await customer();
    t.dodo.updateSettings({ missingBalance: "zero" });
    expect(await balance(c)).toBe("0");
  });

  it("accepts decimals up to the entitlement's precision", async () => {
    await customer();
    const e = await t.client.creditEntitlements.create({
      name: "Tokens",
      unit: "token",
      precision: 2,
      rollover_enabled: false,
      overage_enabled: false,
    });
    const c = (await t.client.customers.create({ email: "d@example.com", name: "D" })).customer_id;
    const credit = await t.client.creditEntitlements.balances.createLedgerEntry(c, {
      credit_entitlement_id: e.id,
      entry_type: "credit",
      amount: "10.5",
    });
    expect(credit.balance_after).toBe("10.50");
    await expect(
      t.client.creditEntitlements.balances.createLedgerEntry(c, {
        credit_entitlement_id: e.id,
        entry_type: "debit",
        amount: "0.125",
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      t.client.creditEntitlements.balances.createLedgerEntry(c, {
        credit_entitlement_id: e.id,
        entry_type: "debit",
        amount: "10000000000",
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});

describe("overage", () => {
  it("drains the balance to zero and counts the rest as overage up to the limit", async () => {
    await customer();
    const e = await t.client.creditEntitlements.create({
      name: "Calls",
      unit: "call",
      precision: 0,
      rollover_enabled: false,
      overage_enabled: true,
      price_per_unit: "0.01",
      currency: "USD",
      overage_limit: 20,
    });
    const c = (await t.client.customers.create({ email: "o@example.com", name: "O" })).customer_id;
    const add = (body: { entry_type: "credit" | "debit"; amount: string }) =>
      t.client.creditEntitlements.balances.createLedgerEntry(c, { credit_entitlement_id: e.id, ...body });
    await add({ entry_type: "credit", amount: "10" });
    expect(await add({ entry_type: "debit", amount: "25" })).toMatchObject({ balance_after: "0", overage_after: "0" });
    const b = await t.client.creditEntitlements.balances.retrieve(c, { credit_entitlement_id: e.id });
    expect(b).toMatchObject({ balance: "0", overage: "15" });
    await expect(add({ entry_type: "debit", amount: "6" })).rejects.toMatchObject({
      status: 400,
      error: { code: "OVERAGE_LIMIT_REACHED" },
    });
    const types = (await t.client.creditEntitlements.balances.listLedger(c, { credit_entitlement_id: e.id })).items.map(
      (x) => x.transaction_type,
    );
    expect(types).toEqual(["overage_charged", "credit_deducted", "credit_added"]);
  });
});
