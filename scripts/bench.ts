/**
 * npm run bench [-- --no-build --concurrency 1,16,64 --requests N --burst 5000 --batch-requests 100 --latency 20 …]
 *
 * What a MailKit user feels, measured over HTTP against a production build (`next start`), with the Dodo and
 * Resend emulators in their own process adding `--latency` ms to every call and Resend limited to
 * `--resend-limit` requests/s (its documented default is 5 per team):
 *   a. accept latency (p50/p99) and accepted sends/s of POST /api/emails at several concurrencies;
 *   b. a burst from customer A, with one email from customer B in the middle: how long until everything reached
 *      Resend, and how long B's single email waited behind A's burst;
 *   c. batches: 100 emails per POST /api/emails/batch from three customers by weight, accepted/s and at-Resend/s
 *      end to end, and each customer's share of delivery while several waited (scripts/bench/batch-phase.ts);
 *   d. PostgreSQL only: two `next start` instances on one database, single sends at c=16 split across both;
 *   e. per phase, CPU ms per email of the server, the emulators and PostgreSQL (/proc) and HTTP requests into
 *      MailKit per email (scripts/bench/costs.ts);
 *   f. Resend and Dodo calls per accepted email (MailKit's /api/metrics), and Dodo's balance against the number
 *      of accepted sends (they must match exactly).
 * BENCH_DATABASE_URL=postgresql://… runs on a fresh PostgreSQL database (created and dropped), else on PGlite
 * in a temp dir. Everything it starts or creates is removed at the end, also on errors and Ctrl-C.
 * Helpers live in scripts/bench/.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { buildApp, startApp } from "./bench/app";
import { runBatchPhase } from "./bench/batch-phase";
import { runBurstPhase } from "./bench/burst-phase";
import { costRows, markCosts, type CostSources } from "./bench/costs";
import { createBenchDatabase, postgresVersion, type BenchDatabase } from "./bench/database";
import { EmulatorControl } from "./bench/emulator-control";
import { EmulatorProbe } from "./bench/emulator-probe";
import { describeFailures, runLoad, type LoadResult } from "./bench/load";
import { parseOptions, requestsFor } from "./bench/options";
import { assertPortFree, sleep, startChild, tail, waitForUrl, type Child } from "./bench/processes";
import { runTwoInstanceCell } from "./bench/two-instances";
import { wholeRunChecks } from "./bench/whole-run";
import { machineLines, markdownTable, ms, perSecond, pgliteVersion, troubleLines, type Row } from "./bench/report";

const options = parseOptions(process.argv.slice(2));
const loadAtStart = loadavg();
const appUrl = `http://localhost:${options.appPort}`;
const emulatorUrl = `http://localhost:${options.emulatorPort}`;
const CREDITS = { A: 100_000, B: 100 };
/** The batch phase's customers; each is funded for the whole phase. */
const BATCH_LABELS = ["X", "Y", "Z"] as const;
const BATCH_SIZE = 100;
/** PostgreSQL flushes an idle backend's statistics up to 10 s late (PGSTAT_IDLE_INTERVAL). */
const PG_STATS_SETTLE_MS = 11_000;
const DELIVERY_TIMEOUT_MS = 120_000;

// ---- cleanup: runs once, on success, error or signal ------------------------------------------------------------

const cleanups: Array<{ name: string; run: () => Promise<void> }> = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { name, run } of cleanups.reverse()) {
      await Promise.race([run(), sleep(15_000)]).catch((error) =>
        console.error(`cleanup (${name}) failed: ${(error as Error).message}`),
      );
    }
  })();
  return cleaning;
}
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.on(signal, () => {
    if (cleaning) process.exit(130); // a second Ctrl-C: give up on cleaning
    console.error(`\n${signal}: stopping the server and emulators, removing the benchmark's data…`);
    void cleanUp().then(() => process.exit(130));
  });
}

const logDir = mkdtempSync(join(tmpdir(), "mailkit-bench-logs-"));
let keepLogs = options.keepLogs;
cleanups.push({ name: "logs", run: async () => void (keepLogs || rmSync(logDir, { recursive: true, force: true })) });

let app: Child | undefined;
let app2: Child | undefined;
let emulators: Child | undefined;

try {
  await main();
  await cleanUp();
  process.exit(process.exitCode ?? 0);
} catch (error) {
  keepLogs = true;
  console.error(`\n✘ benchmark failed: ${(error as Error).stack ?? error}`);
  for (const child of [app, app2, emulators]) {
    if (!child) continue;
    console.error(`\n---- last lines of ${child.name}'s log (${child.logFile}) ----\n${tail(child.logFile)}`);
  }
  await cleanUp();
  console.error(`\nlogs kept in ${logDir}`);
  process.exit(1);
}

async function main(): Promise<void> {
  // ---- 1. build ---------------------------------------------------------------------------------------------------
  if (options.build || !existsSync(".next/BUILD_ID")) buildApp();

  const secondPort = options.secondPort ?? options.appPort + 1;
  await assertPortFree(options.appPort);
  await assertPortFree(options.emulatorPort);
  if (options.twoInstances && process.env.BENCH_DATABASE_URL) await assertPortFree(secondPort);

  // ---- 2. emulators, in memory, in their own process --------------------------------------------------------------
  // Local mode everywhere: empty provider keys also stop Next from filling them in from a .env file.
  const localEnv = {
    DODO_PAYMENTS_API_KEY: "",
    DODO_PAYMENTS_BASE_URL: "",
    DODO_PAYMENTS_WEBHOOK_KEY: "",
    DODO_CREDIT_ENTITLEMENT_ID: "",
    DODO_PLAN_PRODUCT_ID: "",
    DODO_TOPUP_PRODUCT_ID: "",
    RESEND_API_KEY: "",
    RESEND_BASE_URL: "",
    RESEND_WEBHOOK_SECRET: "",
    EMULATOR_URL: emulatorUrl,
    APP_URL: appUrl,
  };
  emulators = startChild(
    "emulators",
    process.execPath,
    ["--import", "tsx", resolve("scripts/bench/emulator-process.ts")],
    {
      ...process.env,
      ...localEnv,
      EMULATOR_PORT: String(options.emulatorPort),
      BENCH_WEBHOOKS: options.webhooks ? "1" : "0",
    },
    join(logDir, "emulators.log"),
    { ipc: true },
  );
  cleanups.push({ name: "emulators", run: () => emulators!.stop() });
  await waitForUrl(`${emulatorUrl}/_emulator/health`, emulators, 60_000);
  const control = new EmulatorControl(emulatorUrl);
  const probe = new EmulatorProbe(emulators.process);
  await control.configure(options.latencyMs, options.resendLimit);
  // Funding sends credit webhooks; hold them until MailKit is up rather than have them fail and retry.
  if (options.webhooks) await control.pauseDodoWebhooks();

  // ---- 3. database and customers, with MailKit's own code in this process ----------------------------------------
  const database: BenchDatabase = await createBenchDatabase();
  cleanups.push({ name: "database", run: () => database.drop() });
  Object.assign(process.env, localEnv, { DATABASE_URL: database.url });
  const setup = await import("./bench/setup");
  type BenchCustomer = (typeof customers)[number];
  const batchCredits = options.batchRequests * BATCH_SIZE;
  const { customers, entitlementId, databaseVersion } = await setup.setUpCustomers([
    { label: "A", credits: CREDITS.A },
    { label: "B", credits: CREDITS.B },
    ...(options.batchRequests > 0 ? BATCH_LABELS.map((label) => ({ label, credits: batchCredits })) : []),
  ]);
  const [A, B, ...batchCustomers] = customers as [BenchCustomer, BenchCustomer, ...BenchCustomer[]];
  if (options.webhooks) await setup.subscribeAsProductionDoes();
  // PGlite: one process per directory, so this process lets go before the server opens it.
  await setup.closeDatabase();
  const databaseLabel =
    database.kind === "postgres"
      ? `${database.label}, PostgreSQL ${await postgresVersion(database.url)}`
      : `${database.label}, PGlite ${pgliteVersion()} (${databaseVersion})`;

  // ---- 4. the app ---------------------------------------------------------------------------------------------------
  const metricsToken = randomBytes(24).toString("hex");
  const appEnv = {
    ...localEnv,
    DATABASE_URL: database.url,
    METRICS_TOKEN: metricsToken,
    RESEND_RATE_LIMIT_PER_SECOND: String(options.resendLimit),
    AUTH_SECRET: randomBytes(32).toString("hex"),
  };
  app = startApp("next start", options.appPort, appEnv, join(logDir, "app.log"));
  cleanups.push({ name: "app", run: () => app!.stop() });
  const appStarted = performance.now();
  await waitForUrl(`${appUrl}/api/health`, app, 120_000);
  console.log(`MailKit up in ${((performance.now() - appStarted) / 1000).toFixed(1)} s (${appUrl}, logs in ${logDir})`);
  if (options.webhooks) await control.resumeDodoWebhooks();

  const rows: Row[] = [];
  const checks: boolean[] = [];
  let acceptedA = 0;
  let acceptedB = 0;
  const initialAtResend = await control.resendMessageCount(); // emails before the benchmark (normally 0)
  let delivered = initialAtResend;
  let levelUnknown = 0; // requests of the accept phase without an answer (client timeout)

  /** Waits until the Resend emulator holds `target` emails; returns false on timeout. */
  async function waitForResend(target: number, timeoutMs = DELIVERY_TIMEOUT_MS): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await control.resendMessageCount()) >= target) return true;
      assertAppAlive();
      await sleep(100);
    }
    return false;
  }
  function assertAppAlive(): void {
    if (app?.exited()) throw new Error(`MailKit's server ended (${app.exited()})`);
    if (app2?.exited()) throw new Error(`MailKit's second instance ended (${app2.exited()})`);
  }
  const costs: CostSources = {
    appLeaders: () => [app, app2].flatMap((c) => (c?.process.pid ? [c.process.pid] : [])),
    emulatorLeader: emulators.process.pid!,
    databaseName: database.kind === "postgres" ? new URL(database.url).pathname.slice(1) : null,
    probe,
    webhooks: options.webhooks,
  };
  function reportFailures(label: string, result: LoadResult): void {
    if (result.accepted === result.requests) return;
    console.log(`  ✘ ${label}: non-200 answers ${describeFailures(result.failures)}; first: ${result.firstFailure}`);
  }

  // Warm-up: every figure below is a server that has run a while. V8 optimises a function only after it has run
  // many times, on compiler threads that /proc counts as the server's, and route chunks load on first use: the first
  // thousand sends of a fresh server cost up to half as much again. The warm-up prints its own, cold, cost. Its
  // sends count in the billing check below.
  const warmMark = await markCosts(costs);
  const atResendBeforeWarmUp = await control.resendMessageCount();
  const warmUp = await runLoad({ appUrl, token: A.token, total: options.warmUp, concurrency: 16 });
  acceptedA += warmUp.accepted;
  reportFailures("warm-up", warmUp);
  delivered += warmUp.accepted;
  if (!(await waitForResend(delivered))) console.log("  ✘ warm-up sends did not all reach Resend in time");
  const warmCost = await costRows(costs, warmMark, "warm-up c=16", {
    accepted: warmUp.accepted,
    delivered: (await control.resendMessageCount()) - atResendBeforeWarmUp,
    clientRequests: warmUp.requests,
  });
  console.log(`warm-up: ${warmUp.accepted} sends at c=16 on a fresh server\n${warmCost.line}`);

  console.log(`\noptions: ${JSON.stringify(options)}\n`);

  // Idle background work (dispatcher, debit, sync and outbox loops polling), to read the figures below against.
  let idlePerSecond: number | null = null;
  if (database.kind === "postgres") {
    await sleep(PG_STATS_SETTLE_MS);
    const before = await database.transactions();
    await sleep(PG_STATS_SETTLE_MS);
    idlePerSecond = ((await database.transactions())! - before! - 1) / (PG_STATS_SETTLE_MS / 1000);
    console.log(`idle: ${idlePerSecond.toFixed(1)} PostgreSQL transactions/s of background loops`);
    rows.push({
      phase: "idle",
      figure: "PostgreSQL transactions/s",
      value: idlePerSecond.toFixed(1),
      note: "background loops, no traffic",
    });
  }

  // ---- 5a. accept latency and throughput ------------------------------------------------------------------------
  for (const concurrency of options.concurrency) {
    const requests = requestsFor(options, concurrency);
    const before = await database.transactions();
    const sampledAt = performance.now();
    const mark = await markCosts(costs);
    const atResendBefore = await control.resendMessageCount();
    const result = await runLoad({ appUrl, token: A.token, total: requests, concurrency });
    acceptedA += result.accepted;
    delivered += result.accepted;
    levelUnknown += result.failures.network ?? 0;
    // Let the dispatcher hand this level's sends to Resend so the next level starts from an empty queue.
    const drained = await waitForResend(delivered);
    const phase = `accept c=${concurrency}`;
    const cost = await costRows(costs, mark, phase, {
      accepted: result.accepted,
      delivered: (await control.resendMessageCount()) - atResendBefore,
      clientRequests: result.requests,
    });
    let txPerSend: number | null = null;
    let txNetPerSend: number | null = null;
    if (before !== null) {
      await sleep(PG_STATS_SETTLE_MS);
      const transactions = (await database.transactions())! - before - 1;
      const idle = (idlePerSecond ?? 0) * ((performance.now() - sampledAt) / 1000);
      txPerSend = transactions / Math.max(1, result.accepted);
      txNetPerSend = (transactions - idle) / Math.max(1, result.accepted);
    }
    console.log(
      `${phase}: ${requests} requests, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, ${perSecond(result.acceptedPerSecond)} accepted, ` +
        `non-200: ${describeFailures(result.failures)}` +
        (txPerSend !== null
          ? `, ${txPerSend.toFixed(2)} PostgreSQL transactions per accepted send incl. background work (${txNetPerSend!.toFixed(2)} net of idle loops)`
          : "") +
        (drained ? "" : " — ✘ not all reached Resend within 120 s"),
    );
    reportFailures(phase, result);
    console.log(cost.line);
    rows.push(
      { phase, figure: "p50 accept latency", value: ms(result.p50), note: `${requests} requests` },
      { phase, figure: "p99 accept latency", value: ms(result.p99) },
      { phase, figure: "accepted sends/s", value: perSecond(result.acceptedPerSecond) },
      {
        phase,
        figure: "non-200 answers",
        value: String(result.requests - result.accepted),
        note: describeFailures(result.failures) === "0" ? "" : describeFailures(result.failures),
      },
    );
    if (txPerSend !== null)
      rows.push(
        {
          phase,
          figure: "PostgreSQL transactions per accepted send",
          value: txPerSend.toFixed(2),
          note: `includes background work (dispatch, settle, debits, webhooks, idle loops) until drained + ${PG_STATS_SETTLE_MS / 1000} s`,
        },
        {
          phase,
          figure: "… net of idle loops",
          value: txNetPerSend!.toFixed(2),
          note: "minus the idle rate × the level's duration (an estimate)",
        },
      );
    rows.push(...cost.rows);
    if (!drained) checks.push(false);
  }

  // ---- 5b. burst from A, B's emails spread through it -------------------------------------------------------------
  const burstPhase = await runBurstPhase(
    { appUrl, tokenA: A.token, tokenB: B.token, sends: options.burst, resendLimit: options.resendLimit },
    control,
    costs,
    assertAppAlive,
  );
  const { burst } = burstPhase;
  acceptedA += burst.accepted;
  acceptedB += burstPhase.bAccepted;
  delivered += burst.accepted + burstPhase.bAccepted;
  rows.push(...burstPhase.rows);
  if (!burstPhase.ok) checks.push(false);

  // ---- 5c. batches from three customers -------------------------------------------------------------------------
  const acceptedBatch: Record<string, number> = {};
  let batchUnknown = 0;
  if (options.batchRequests > 0) {
    const batch = await runBatchPhase(
      {
        appUrl,
        customers: batchCustomers.map((c) => ({
          label: c.label,
          token: c.token,
          from: `Bench <bench@${c.label.toLowerCase()}.bench.test>`, // its verified domain (scripts/bench/setup.ts)
        })),
        weights: options.batchWeights,
        requests: options.batchRequests,
        size: BATCH_SIZE,
        concurrency: options.batchConcurrency,
        resendLimit: options.resendLimit,
        latencyMs: options.latencyMs,
      },
      control,
      costs,
      assertAppAlive,
    );
    Object.assign(acceptedBatch, batch.load.acceptedBy);
    batchUnknown = batch.load.failures.network ?? 0;
    delivered += batch.load.accepted;
    rows.push(...batch.rows);
    if (!batch.delivered || batch.load.accepted !== batch.load.requests * BATCH_SIZE) checks.push(false);
  }

  // ---- 5d. two instances on one PostgreSQL ----------------------------------------------------------------------
  let cellUnknown = 0;
  if (options.twoInstances && database.kind === "postgres") {
    const secondUrl = `http://localhost:${secondPort}`;
    app2 = startApp("next start (2nd)", secondPort, appEnv, join(logDir, "app2.log"));
    cleanups.push({ name: "second app", run: () => app2!.stop() });
    await waitForUrl(`${secondUrl}/api/health`, app2, 120_000);
    const warmUp2 = await runLoad({ appUrl: secondUrl, token: A.token, total: options.warmUp, concurrency: 16 });
    acceptedA += warmUp2.accepted;
    cellUnknown += warmUp2.requests - warmUp2.accepted;
    delivered += warmUp2.accepted;
    await waitForResend(delivered);
    const cell = await runTwoInstanceCell(
      { appUrls: [appUrl, secondUrl], token: A.token, requests: requestsFor(options, 16), concurrency: 16 },
      control,
      costs,
      assertAppAlive,
    );
    acceptedA += cell.load.accepted;
    cellUnknown += cell.load.failures.network ?? 0;
    delivered += cell.load.accepted;
    rows.push(...cell.rows);
    if (!cell.delivered) checks.push(false);
  }

  // ---- 5e. calls per email, and Dodo's balance against what was accepted -----------------------------------------
  const unknownA = warmUp.requests - warmUp.accepted + levelUnknown + (burst.failures.network ?? 0) + cellUnknown;
  const acceptedBatchTotal = Object.values(acceptedBatch).reduce((a, b) => a + b, 0);
  const whole = await wholeRunChecks({
    appUrls: app2 ? [appUrl, `http://localhost:${secondPort}`] : [appUrl],
    metricsToken,
    control,
    customers: [
      {
        label: "A",
        customerId: A.customerId,
        credits: CREDITS.A,
        accepted: acceptedA,
        unknownOutcomes: unknownA,
        atResend: async () =>
          (await control.resendMessageCount()) - initialAtResend - (await burstPhase.bAtResend()) - acceptedBatchTotal,
      },
      { label: "B", customerId: B.customerId, credits: CREDITS.B, accepted: acceptedB, unknownOutcomes: 0 },
      ...batchCustomers.map((c) => ({
        label: c.label,
        customerId: c.customerId,
        credits: c.credits,
        accepted: acceptedBatch[c.label] ?? 0,
        unknownOutcomes: batchUnknown, // shown in the check's note; emails at Resend are not counted per customer
      })),
    ],
    dodoBalance: (customerId) => setup.dodoBalance(customerId, entitlementId),
    assertAppAlive,
  });
  rows.push(...whole.rows);
  checks.push(whole.ok);
  assertAppAlive();

  // ---- 6. report ------------------------------------------------------------------------------------------------
  const settings = await control.describe();
  console.log("\n## MailKit benchmark\n");
  for (const line of machineLines(databaseLabel, loadAtStart)) console.log(`    ${line}`);
  console.log(
    `    options   latency ${options.latencyMs} ms per Dodo/Resend call (emulators report Dodo ${settings.dodoLatencyMs} ms, Resend ${settings.resend.baseLatencyMs} ms), ` +
      `Resend limit ${options.resendLimit} req/s (RESEND_RATE_LIMIT_PER_SECOND=${options.resendLimit}), ` +
      `concurrency ${options.concurrency.join(",")}, requests ${options.concurrency.map((c) => requestsFor(options, c)).join(",")}, burst ${options.burst}, ` +
      `batch ${options.batchRequests}×${BATCH_SIZE} at c=${options.batchConcurrency} (weights ${options.batchWeights.join(",")}), ` +
      `two instances ${app2 ? `on (${appUrl} and port ${secondPort})` : "off"}, webhooks ${options.webhooks ? "on" : "off"}`,
  );
  console.log(
    `    load      HTTP from this process (node fetch) to ${appUrl} (next start, NODE_ENV=production); everything on one machine\n`,
  );
  console.log(markdownTable(rows));
  const trouble = troubleLines(readFileSync(app.logFile, "utf8"));
  if (trouble.length) {
    keepLogs = true;
    console.log(`\n⚠ ${trouble.length} lines of the server's log look like errors (${app.logFile}); the first ones:`);
    for (const line of trouble.slice(0, 15)) console.log(`    ${line.slice(0, 300)}`);
  }
  if (keepLogs) console.log(`\nlogs: ${logDir}`);
  if (checks.includes(false)) {
    keepLogs = true;
    console.log(
      `\n✘ some checks failed (see ✘ above); the server's log: ${app.logFile}\n---- last lines ----\n${tail(app.logFile, 40)}`,
    );
    process.exitCode = 1;
  }
}
