import DodoPayments from "dodopayments";
import { afterAll, beforeAll } from "vitest";

import { startEmulators, type EmulatorServer, type EmulatorServerOptions } from "@/emulators/server";
import { registerJobHandlers } from "@/lib/background";
import { syncCreditsFromDodo } from "@/lib/credits";
import { ensureDodoCustomer } from "@/lib/billing/customer";
import { db } from "@/lib/db";
import { addDomain, refreshDomain, removeDomain, verifyDomain } from "@/lib/domains";
import { ensureCatalog, resetCatalogForTests, type Catalog } from "@/lib/dodo/catalog";
import { getDodo, resetDodoForTests, toCredits } from "@/lib/dodo/client";
import { resetEnvForTests } from "@/lib/env";
import { flushAllDebits } from "@/lib/credits/debits";
import { drainJobs } from "@/lib/outbox/worker";
import { drainDispatcher } from "@/lib/sending/dispatcher";
import { resetResendForTests } from "@/lib/resend/client";
import { configureTuning, type Tuning } from "@/lib/runtime/tuning";
import type { OutgoingEmail } from "@/lib/sending/outgoing-email";

import { startAppServer, type AppServer } from "./app-server";

/** The Dodo webhook secret of tests that sign Dodo events themselves (tests/support/dodo-webhooks.ts). */
export const TEST_DODO_WEBHOOK_SECRET = "whsec_" + Buffer.from("mailkit-test-dodo-webhook-secret").toString("base64");

/** The Dodo and Resend emulators in-process, MailKit's SDK clients pointed at them and the catalog created. */
export type LocalServices = {
  emulators: EmulatorServer;
  catalog: Catalog;
  close(): Promise<void>;
};

/**
 * Starts the emulators in this process (in memory), applies `env` (undefined deletes a variable) and points
 * MailKit's SDK clients at the emulators, then creates the catalog in the Dodo emulator.
 */
export async function startLocalServices(options: {
  appUrl: string;
  emulators?: Pick<EmulatorServerOptions, "dodo" | "resend">;
  env?: Record<string, string | undefined>;
}): Promise<LocalServices> {
  const emulators = await startEmulators({ port: 0, appUrl: options.appUrl, ...options.emulators });
  process.env.EMULATOR_URL = emulators.url;
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  resetEnvForTests();
  resetDodoForTests();
  resetResendForTests();
  resetCatalogForTests();
  registerJobHandlers(); // as the app does at startup: tests run the outbox themselves (drainJobs)
  const catalog = await ensureCatalog(getDodo());
  return { emulators, catalog, close: () => emulators.close() };
}

/**
 * One test file's world: the local services, MailKit's route handlers on a local port (Resend's delivery
 * webhooks reach them) and the sending pipeline configured for tests.
 */
export type TestWorld = LocalServices & { app: AppServer };

export async function startTestWorld(options: { sending?: Partial<Tuning> } = {}): Promise<TestWorld> {
  const app = await startAppServer();
  const services = await startLocalServices({
    appUrl: app.url,
    emulators: { dodo: { webhookRetryDelaysMs: [0], expirySweepMs: 0 }, resend: { webhookRetryDelaysMs: [0, 5] } },
    env: {
      APP_URL: app.url,
      RESEND_API_KEY: undefined,
      RESEND_BASE_URL: undefined,
      DODO_PAYMENTS_API_KEY: undefined,
      DODO_PAYMENTS_BASE_URL: undefined,
      DODO_CREDIT_ENTITLEMENT_ID: undefined,
      DODO_PLAN_PRODUCT_ID: undefined,
      DODO_TOPUP_PRODUCT_ID: undefined,
    },
  });
  // Tests drain the dispatcher themselves; a generous Resend budget keeps them fast unless a test is about it.
  configureTuning({ providerTimeoutMs: 2_000, resendRatePerSecond: 1_000, ...options.sending });
  return {
    ...services,
    app,
    async close() {
      configureTuning({});
      // Let webhooks already on their way land before the app and its database go away.
      await Promise.all([services.emulators.resend.idle(), services.emulators.dodo.idle()]);
      await app.close();
      await services.close();
    },
  };
}

/** Registers beforeAll/afterAll hooks that start `start()` and close it; returns a handle filled in before the tests run. */
function startedForTests<T extends { close(): Promise<void> }>(start: () => Promise<T>): T {
  const handle = {} as T;
  beforeAll(async () => {
    Object.assign(handle, await start());
  });
  afterAll(async () => {
    if ("close" in handle) await handle.close();
  });
  return handle;
}

/** The test world (`startTestWorld`) for the tests of the current file or describe block. */
export function withTestWorld(options: { sending?: Partial<Tuning> } = {}): TestWorld {
  return startedForTests(() => startTestWorld(options));
}

/**
 * The local services without an app (their webhooks go nowhere), with the Dodo webhook secret of the tests:
 * for tests that call the route handlers themselves (tests/support/dodo-webhooks.ts).
 */
export function withLocalServices(): LocalServices {
  return startedForTests(() =>
    startLocalServices({ appUrl: "http://127.0.0.1:9", env: { DODO_PAYMENTS_WEBHOOK_KEY: TEST_DODO_WEBHOOK_SECRET } }),
  );
}

/** A send's message from Acme (text "Hi") to `to`, with `extra` applied. */
export function outgoingEmail(to: string | string[], extra: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: "Acme <hello@acme.test>",
    to: typeof to === "string" ? [to] : to,
    cc: [],
    bcc: [],
    replyTo: [],
    subject: "Hello",
    text: "Hi",
    ...extra,
  };
}

let counter = 0;

/**
 * A MailKit user with a Dodo customer holding `credits` (a ledger credit in Dodo, then a sync) and a verified
 * sender domain (`domain`, default `acme.test`, the domain of `outgoingEmail`'s from; null for none). A domain
 * belongs to one customer, so the newest funded user takes `acme.test` over from an earlier one in the file:
 * tests where two customers send at once give the second its own domain.
 */
export async function createFundedUser(
  world: TestWorld,
  credits: number,
  label = "customer",
  { domain = "acme.test" }: { domain?: string | null } = {},
) {
  counter += 1;
  const user = await db.user.create({ data: { email: `${label}-${counter}-${Date.now()}@example.com`, name: label } });
  const customerId = await ensureDodoCustomer({ ...user });
  if (credits > 0) await grantCredits(world, customerId, credits);
  await syncCreditsFromDodo(customerId, "test funding");
  if (domain) await verifyTestDomain(world, user.id, domain);
  return { user: { ...user, dodoCustomerId: customerId }, customerId };
}

/**
 * Gives the user `name` as a verified sender domain the way a customer gets one: added through Resend's
 * Domains API (the emulator), its DNS records published in the emulator, verified, read back. An earlier
 * holder of the name in this test database gives it up first (removed as a customer would).
 */
export async function verifyTestDomain(world: LocalServices, userId: string, name: string) {
  const held = await db.senderDomain.findUnique({ where: { name } });
  if (held?.userId === userId && held.status === "verified") return held;
  if (held) await removeDomain(held.userId, held.id);
  const added = await addDomain(userId, { name });
  world.emulators.resend.domains.publish(world.emulators.resend.domains.find(name)!);
  await verifyDomain(userId, added.id);
  await world.emulators.resend.idle();
  const row = await refreshDomain(await db.senderDomain.findUniqueOrThrow({ where: { id: added.id } }));
  if (row?.status !== "verified") throw new Error(`test domain ${name} did not verify (${row?.status})`);
  return row;
}

export async function grantCredits(world: TestWorld, customerId: string, credits: number): Promise<void> {
  await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: world.catalog.entitlementId,
    entry_type: "credit",
    amount: String(credits),
    idempotency_key: `test-grant-${customerId}-${Date.now()}-${Math.random()}`,
    reason: "test funding",
  });
}

/** Dodo's live balance for the customer. */
export async function dodoBalance(world: TestWorld, customerId: string): Promise<number> {
  const balance = await getDodo().creditEntitlements.balances.retrieve(customerId, {
    credit_entitlement_id: world.catalog.entitlementId,
  });
  return toCredits(balance.balance);
}

/** Dodo's ledger debits for the customer (every page). */
export async function dodoDebits(world: TestWorld, customerId: string) {
  const debits: DodoPayments.CreditEntitlements.Balances.CreditLedgerEntry[] = [];
  for (let page = 0; ; page++) {
    const result = await getDodo().creditEntitlements.balances.listLedger(customerId, {
      credit_entitlement_id: world.catalog.entitlementId,
      page_number: page,
      page_size: 100,
    });
    if (!result.items.length) break;
    debits.push(...result.items.filter((e) => !e.is_credit));
    if (result.items.length < 100) break;
  }
  return debits;
}

/**
 * Hands every queued send to Resend (the dispatcher, as the background loop would) and settles it. A call whose
 * outcome was unknown (a busy test process can make a call time out) is made due again and repeated, as the
 * dispatcher would after its backoff.
 */
export async function deliverQueued(maxRounds = 10): Promise<number> {
  let calls = 0;
  for (let round = 0; round < maxRounds; round++) {
    calls += await drainDispatcher();
    const pending = await db.deliveryBatch.updateMany({
      where: { status: "pending" },
      data: { nextAttemptAt: new Date(0), leaseUntil: null },
    });
    if (pending.count === 0) break;
  }
  return calls;
}

/**
 * Delivers what is queued, then cuts and posts every Dodo debit and runs the outbox until nothing is pending:
 * debits and jobs that failed (e.g. a busy database) are made due again, as if their backoff had passed.
 * Returns how many rounds it took.
 */
export async function settleOutbox(maxRounds = 5): Promise<number> {
  for (let round = 1; ; round++) {
    await deliverQueued();
    await flushAllDebits();
    await drainJobs();
    const pending =
      (await db.outboxJob.count({ where: { status: "pending" } })) +
      (await db.creditDebit.count({ where: { status: "pending" } }));
    if (pending === 0 || round >= maxRounds) return round;
    await db.outboxJob.updateMany({ where: { status: "pending" }, data: { runAt: new Date(0), lockedUntil: null } });
    await db.creditDebit.updateMany({ where: { status: "pending" }, data: { runAt: new Date(0), lockedUntil: null } });
  }
}

/** MailKit's admission view of the customer. */
export async function mailkitCredits(customerId: string) {
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
  return { balance: account.balance, reserved: account.reserved, available: account.balance - account.reserved };
}

/** The next Resend call to `path` is accepted (the email exists) but the client never gets the answer: a timeout. */
export function resendAcceptsThenHangs(world: LocalServices, path: "/emails" | "/emails/batch" = "/emails"): void {
  world.emulators.resend.faults.add({ method: "POST", pathPrefix: path, hang: true, afterAccept: true, count: 1 });
}
