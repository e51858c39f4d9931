/**
 * npm run bench [-- --requests 200 --concurrency 1,16,64 --latency 0,50 --customers 1]
 *
 * Send latency (p50, p99) and throughput of MailKit's send pipeline (lib/sending.sendEmails: admission
 * transaction, Resend call, capture + outbox transaction) at several concurrencies, against the in-process
 * emulators with an added provider latency, next to a baseline that calls the emulated Resend directly with
 * the same SDK, payload and concurrency. The difference is MailKit's own overhead.
 *
 * The database is an in-memory PGlite (the embedded default), or PostgreSQL when BENCH_DATABASE_URL is set
 * (a scratch database is created next to it and dropped afterwards). The outbox worker runs during the
 * MailKit rounds, as in a server, posting the Dodo debits; webhooks are off so they do not compete.
 * By default one customer sends everything: the worst case for admission, since every hold and capture
 * updates that customer's account row. `--customers N` spreads the sends over N customers.
 */
import { randomBytes } from "node:crypto";

import pg from "pg";

import { startEmulators } from "@/emulators/server";
import { ensureDodoCustomer } from "@/lib/billing/customer";
import { syncCreditsFromDodo } from "@/lib/credits";
import { db, setDatabaseForTests } from "@/lib/db";
import { openDatabase, type Database } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { ensureCatalog, resetCatalogForTests } from "@/lib/dodo/catalog";
import { getDodo, resetDodoForTests } from "@/lib/dodo/client";
import { resetEnvForTests } from "@/lib/env";
import { drainJobs, startOutboxWorker, stopOutboxWorker } from "@/lib/outbox/worker";
import { getResend, resetResendForTests } from "@/lib/resend/client";
import { configureSending, sendEmails, toResendPayload, type Sender } from "@/lib/sending";

function listArg(name: string, fallback: number[]): number[] {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]!.split(",").map(Number) : fallback;
}
const requestsArg = listArg("requests", [])[0];
const concurrencies = listArg("concurrency", [1, 16, 64]);
const latencies = listArg("latency", [0, 50]);
/** Requests per round: enough for a stable p99, fewer when each one waits on a slow provider alone. */
const requestsFor = (concurrency: number, latencyMs: number) =>
  requestsArg ?? (concurrency === 1 && latencyMs > 0 ? 60 : concurrency === 1 ? 150 : 300);

// ---- setup ------------------------------------------------------------------------------------------------

const emulators = await startEmulators({
  port: 0,
  appUrl: "http://localhost:1",
  dodo: { settings: { webhooksEnabled: false }, expirySweepMs: 0 },
  resend: { webhookUrl: null },
});
process.env.EMULATOR_URL = emulators.url;
for (const name of ["RESEND_API_KEY", "RESEND_BASE_URL", "DODO_PAYMENTS_API_KEY", "DODO_PAYMENTS_BASE_URL"])
  delete process.env[name];
resetEnvForTests();
resetDodoForTests();
resetResendForTests();
resetCatalogForTests();

const { database, label, cleanup } = await openBenchDatabase();
await migrate(database);
setDatabaseForTests(database);
configureSending({ providerTimeoutMs: 10_000 });

const catalog = await ensureCatalog(getDodo());
const customers = listArg("customers", [1])[0]!;
const senders: Sender[] = [];
for (let i = 0; i < customers; i++) {
  const user = await db.user.create({ data: { email: `bench-${i}-${Date.now()}@example.com`, name: "Bench" } });
  const customerId = await ensureDodoCustomer(user);
  await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: catalog.entitlementId,
    entry_type: "credit",
    amount: "10000000",
    idempotency_key: `bench-${customerId}`,
  });
  await syncCreditsFromDodo(customerId, "bench");
  senders.push({ userId: user.id, customerId, source: "api" });
}

let sequence = 0;
const nextEmail = () => {
  sequence += 1;
  return {
    from: "Bench <bench@acme.test>",
    to: [`r${sequence}@example.com`],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: `Bench ${sequence}`,
    text: "Hello from the benchmark",
  };
};

// ---- measuring --------------------------------------------------------------------------------------------

type Round = { p50: number; p99: number; throughput: number; failures: number };

/** Runs `total` calls with `concurrency` workers; latency per call in ms. */
async function measure(total: number, concurrency: number, call: () => Promise<boolean>): Promise<Round> {
  const latencies: number[] = [];
  let failures = 0;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (issued < total) {
        issued += 1;
        const t0 = performance.now();
        const ok = await call().catch((error) => {
          console.error((error as Error).message);
          return false;
        });
        latencies.push(performance.now() - t0);
        if (!ok) failures += 1;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)]!;
  return { p50: pct(0.5), p99: pct(0.99), throughput: total / seconds, failures };
}

const direct = async () => {
  const id = crypto.randomUUID();
  const { error } = await getResend().emails.send(toResendPayload(nextEmail(), id), {
    idempotencyKey: `bench-direct/${id}`,
  });
  return !error;
};
const viaMailKit = async () => {
  const result = await sendEmails(senders[sequence % senders.length]!, [nextEmail()]);
  return result.settled;
};

// Warm up both paths (JIT, prepared statements, connection pools).
await measure(30, 4, direct);
await measure(30, 4, viaMailKit);
await drainJobs();

startOutboxWorker(200);
const rows: string[][] = [];
for (const latencyMs of latencies) {
  emulators.resend.faults.baseLatencyMs = latencyMs;
  for (const concurrency of concurrencies) {
    const total = requestsFor(concurrency, latencyMs);
    const baseline = await measure(total, concurrency, direct);
    const mailkit = await measure(total, concurrency, viaMailKit);
    rows.push([
      `${latencyMs} ms`,
      String(concurrency),
      String(total),
      ms(baseline.p50),
      ms(baseline.p99),
      baseline.throughput.toFixed(0),
      ms(mailkit.p50),
      ms(mailkit.p99),
      mailkit.throughput.toFixed(0),
      `+${ms(mailkit.p50 - baseline.p50)}`,
      String(baseline.failures + mailkit.failures),
    ]);
    process.stderr.write(".");
  }
}
emulators.resend.faults.baseLatencyMs = 0;

stopOutboxWorker();
const drainStarted = performance.now();
await drainJobs();
const drainMs = performance.now() - drainStarted;
const sends = await db.emailSend.count();
const debitsDone = await db.outboxJob.count({ where: { kind: "dodo.debit", status: "done" } });
const held = await db.creditAccount.aggregate({ _sum: { reserved: true } });

process.stderr.write("\n");
console.log(
  `\nMailKit send benchmark — database: ${label}; node ${process.version}; emulators in-process over loopback\n`,
);
printTable(
  [
    "provider latency",
    "concurrency",
    "requests",
    "direct p50",
    "direct p99",
    "direct req/s",
    "MailKit p50",
    "MailKit p99",
    "MailKit req/s",
    "overhead p50",
    "errors",
  ],
  rows,
);
console.log(
  `\n${sends} MailKit sends; ${debitsDone} Dodo debits posted by the outbox (final drain ${ms(drainMs)}); ` +
    `${held._sum.reserved ?? 0} credits still held.`,
);
console.log(
  "direct = the resend SDK straight to the emulated Resend; MailKit = lib/sending.sendEmails (hold → Resend → capture + outbox).",
);

await emulators.close();
await database.close();
await cleanup();
process.exit(0);

// ---- helpers ----------------------------------------------------------------------------------------------

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function printTable(header: string[], body: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(line(header));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const row of body) console.log(line(row));
}

async function openBenchDatabase(): Promise<{ database: Database; label: string; cleanup: () => Promise<void> }> {
  const base = process.env.BENCH_DATABASE_URL;
  if (!base)
    return {
      database: openDatabase({ kind: "pglite", dataDir: undefined }),
      label: "PGlite (in-memory, embedded)",
      cleanup: async () => {},
    };
  const name = `mailkit_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    database: openDatabase({ kind: "postgres", url: url.toString() }),
    label: `PostgreSQL (${url.host}, pool of 10)`,
    async cleanup() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
