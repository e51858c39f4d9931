import DodoPayments from "dodopayments";

import { startEmulators, type EmulatorServer } from "@/emulators/server";
import { syncCreditsFromDodo } from "@/lib/credits";
import { ensureDodoCustomer } from "@/lib/billing/customer";
import { db } from "@/lib/db";
import { ensureCatalog, resetCatalogForTests, type Catalog } from "@/lib/dodo/catalog";
import { getDodo, resetDodoForTests, toCredits } from "@/lib/dodo/client";
import { resetEnvForTests } from "@/lib/env";
import { drainJobs } from "@/lib/outbox/worker";
import { resetResendForTests } from "@/lib/resend/client";
import { configureSending, type SendingConfig } from "@/lib/sending/config";

import { startAppServer, type AppServer } from "./app-server";

/**
 * One test file's world: the Dodo and Resend emulators in-process, MailKit's route handlers on a local port
 * (Resend's delivery webhooks reach them), the SDK clients pointed at the emulators and the catalog created.
 */
export type TestWorld = {
  emulators: EmulatorServer;
  app: AppServer;
  catalog: Catalog;
  close(): Promise<void>;
};

export async function startTestWorld(options: { sending?: Partial<SendingConfig> } = {}): Promise<TestWorld> {
  const app = await startAppServer();
  const emulators = await startEmulators({
    port: 0,
    appUrl: app.url,
    dodo: { webhookRetryDelaysMs: [0], expirySweepMs: 0 },
    resend: { webhookRetryDelaysMs: [0, 5] },
  });
  process.env.EMULATOR_URL = emulators.url;
  process.env.APP_URL = app.url;
  for (const name of [
    "RESEND_API_KEY",
    "RESEND_BASE_URL",
    "DODO_PAYMENTS_API_KEY",
    "DODO_PAYMENTS_BASE_URL",
    "DODO_CREDIT_ENTITLEMENT_ID",
    "DODO_PLAN_PRODUCT_ID",
    "DODO_TOPUP_PRODUCT_ID",
  ]) {
    delete process.env[name];
  }
  resetEnvForTests();
  resetDodoForTests();
  resetResendForTests();
  resetCatalogForTests();
  configureSending({ providerTimeoutMs: 2_000, ...options.sending });
  const catalog = await ensureCatalog(getDodo());
  return {
    emulators,
    app,
    catalog,
    async close() {
      configureSending({});
      // Let webhooks already on their way land before the app and its database go away.
      await Promise.all([emulators.resend.idle(), emulators.dodo.idle()]);
      await app.close();
      await emulators.close();
    },
  };
}

let counter = 0;

/** A MailKit user with a Dodo customer holding `credits` (a ledger credit in Dodo, then a sync). */
export async function createFundedUser(world: TestWorld, credits: number, label = "customer") {
  counter += 1;
  const user = await db.user.create({ data: { email: `${label}-${counter}-${Date.now()}@example.com`, name: label } });
  const customerId = await ensureDodoCustomer({ ...user });
  if (credits > 0) await grantCredits(world, customerId, credits);
  await syncCreditsFromDodo(customerId, "test funding");
  return { user: { ...user, dodoCustomerId: customerId }, customerId };
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
 * Runs the outbox until nothing is pending: jobs that failed (e.g. a busy database) are made due again, as
 * if their backoff had passed. Returns how many rounds it took.
 */
export async function settleOutbox(maxRounds = 5): Promise<number> {
  for (let round = 1; ; round++) {
    await drainJobs();
    const pending = await db.outboxJob.count({ where: { status: "pending" } });
    if (pending === 0 || round >= maxRounds) return round;
    await db.outboxJob.updateMany({ where: { status: "pending" }, data: { runAt: new Date(0), lockedUntil: null } });
  }
}

/** MailKit's admission view of the customer. */
export async function mailkitCredits(customerId: string) {
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
  return { balance: account.balance, reserved: account.reserved, available: account.balance - account.reserved };
}
