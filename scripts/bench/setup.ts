/**
 * Creates the benchmark's customers with MailKit's own code, in this process, before the app starts:
 * migrations, the Dodo catalog, a Dodo customer per user funded by a ledger credit (as
 * tests/integration/helpers/environment.ts grantCredits does), MailKit's synced credit view and an API key.
 * process.env (DATABASE_URL, EMULATOR_URL, no provider keys) must be set before this module is imported.
 */
import { createApiKey } from "@/lib/keys/api-keys";
import { ensureDodoCustomer } from "@/lib/billing/customer";
import { readDodoBalance, syncCreditsFromDodo } from "@/lib/credits";
import { db, ensureMigrated, getDatabase } from "@/lib/db";
import { ensureCatalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";
import { addDomain, refreshDomain, verifyDomain } from "@/lib/domains";

export type BenchCustomer = { label: string; userId: string; customerId: string; token: string; credits: number };

export async function setUpCustomers(
  specs: { label: string; credits: number }[],
): Promise<{ customers: BenchCustomer[]; entitlementId: string; databaseVersion: string }> {
  await ensureMigrated();
  const catalog = await ensureCatalog(getDodo());
  const customers: BenchCustomer[] = [];
  const stamp = Date.now();
  for (const spec of specs) {
    const user = await db.user.create({
      data: { email: `bench-${spec.label.toLowerCase()}-${stamp}@example.com`, name: `Bench ${spec.label}` },
    });
    const customerId = await ensureDodoCustomer(user);
    await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
      credit_entitlement_id: catalog.entitlementId,
      entry_type: "credit",
      amount: String(spec.credits),
      idempotency_key: `bench-grant-${customerId}`,
      reason: "benchmark funding",
    });
    const synced = await syncCreditsFromDodo(customerId, "benchmark funding");
    if (synced.available !== spec.credits)
      throw new Error(`customer ${spec.label}: MailKit sees ${synced.available} credits after funding ${spec.credits}`);
    // `from` must be on a verified domain: customer X sends from bench@x.bench.test (scripts/bench/load.ts).
    await verifyBenchDomain(user.id, `${spec.label.toLowerCase()}.bench.test`);
    const key = await createApiKey(user.id, {
      name: "benchmark",
      permission: "sending_access",
      rateLimitPerSecond: 100_000, // the benchmark measures MailKit, not its per-key API throttle
    });
    customers.push({ label: spec.label, userId: user.id, customerId, token: key.token, credits: spec.credits });
  }
  const rows = await db.$queryRawUnsafe<{ version: string }[]>("SELECT version() AS version");
  const databaseVersion = rows[0]?.version.split(" on ")[0] ?? "unknown version";
  return { customers, entitlementId: catalog.entitlementId, databaseVersion };
}

/**
 * Adds the domain through MailKit's own code, publishes its DNS records in the Resend emulator and verifies it.
 * Retried: the emulator's Resend rate limit and latency are already on.
 */
async function verifyBenchDomain(userId: string, name: string): Promise<void> {
  const retry = async <T>(what: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await what();
      } catch (error) {
        if (attempt >= 20) throw error;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  };
  const existing = await db.senderDomain.findUnique({ where: { name } });
  const domain = existing ?? (await retry(() => addDomain(userId, { name })));
  const published = await fetch(`${process.env.EMULATOR_URL}/_emulator/resend/domains/${name}/publish`, {
    method: "POST",
  });
  if (!published.ok) throw new Error(`publishing ${name} in the emulator: HTTP ${published.status}`);
  await retry(() => verifyDomain(userId, domain.id));
  await retry(async () => {
    const row = await refreshDomain(await db.senderDomain.findUniqueOrThrow({ where: { name } }));
    if (row?.status !== "verified") throw new Error(`${name} is ${row?.status}`);
  });
}

/**
 * MailKit's Resend webhook as `npm run resend:setup` leaves it in production (no `email.sent`: MailKit emits it
 * at settle), so the benchmark measures the requests production gets. The emulator starts with the
 * dashboard-configured webhook at this endpoint; it is narrowed in place and keeps its signing secret.
 */
export async function subscribeAsProductionDoes(): Promise<void> {
  const { PLATFORM_WEBHOOK_EVENTS, platformWebhookEndpoint, syncPlatformWebhook } =
    await import("@/lib/resend/webhook-subscription");
  const endpoint = platformWebhookEndpoint(process.env.APP_URL);
  const result = await syncPlatformWebhook({ endpoint, events: [...PLATFORM_WEBHOOK_EVENTS], create: false });
  if (result.action === "missing") throw new Error(`the Resend emulator has no webhook for ${endpoint}`);
}

/** Closes this process's database: an embedded PGlite directory may be open in one process only. */
export async function closeDatabase(): Promise<void> {
  await getDatabase().close();
}

/** Dodo's live balance (a read in this process, not counted in MailKit's metrics). */
export function dodoBalance(customerId: string, entitlementId: string): Promise<number> {
  return readDodoBalance(customerId, entitlementId);
}
