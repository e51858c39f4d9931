/**
 * npm run bench [-- --no-build --concurrency 1,16,64 --requests N --burst 5000 --latency 20 --resend-limit 5]
 *
 * What a MailKit user feels, measured over HTTP against a production build (`next start`), with the Dodo and
 * Resend emulators in their own process adding `--latency` ms to every call and Resend limited to
 * `--resend-limit` requests/s (its documented default is 5 per team):
 *   a. accept latency (p50/p99) and accepted sends/s of POST /api/emails at several concurrencies;
 *   b. a burst from customer A, with one email from customer B in the middle: how long until everything reached
 *      Resend, and how long B's single email waited behind A's burst;
 *   c. Resend and Dodo calls per accepted email (MailKit's /api/metrics), and Dodo's balance against the number
 *      of accepted sends (they must match exactly).
 * BENCH_DATABASE_URL=postgresql://… runs on a fresh PostgreSQL database (created and dropped), else on PGlite
 * in a temp dir. Everything it starts or creates is removed at the end, also on errors and Ctrl-C.
 * Helpers live in scripts/bench/.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { createBenchDatabase, postgresVersion, type BenchDatabase } from "./bench/database";
import { EmulatorControl } from "./bench/emulator-control";
import { describeFailures, runLoad, sendOne, type LoadResult } from "./bench/load";
import { byLabel, scrapeMetrics, total } from "./bench/metrics";
import { parseOptions, requestsFor } from "./bench/options";
import { assertPortFree, sleep, startChild, tail, waitForUrl, type Child } from "./bench/processes";
import {
  machineLines,
  markdownTable,
  ms,
  perSecond,
  pgliteVersion,
  ratio,
  troubleLines,
  type Row,
} from "./bench/report";

const options = parseOptions(process.argv.slice(2));
const loadAtStart = loadavg();
const appUrl = `http://localhost:${options.appPort}`;
const emulatorUrl = `http://localhost:${options.emulatorPort}`;
const CREDITS = { A: 100_000, B: 100 };
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
let emulators: Child | undefined;

try {
  await main();
  await cleanUp();
  process.exit(process.exitCode ?? 0);
} catch (error) {
  keepLogs = true;
  console.error(`\n✘ benchmark failed: ${(error as Error).stack ?? error}`);
  for (const child of [app, emulators]) {
    if (!child) continue;
    console.error(`\n---- last lines of ${child.name}'s log (${child.logFile}) ----\n${tail(child.logFile)}`);
  }
  await cleanUp();
  console.error(`\nlogs kept in ${logDir}`);
  process.exit(1);
}

async function main(): Promise<void> {
  // ---- 1. build ---------------------------------------------------------------------------------------------------
  if (options.build || !existsSync(".next/BUILD_ID")) {
    process.stdout.write("building (next build)… ");
    const started = performance.now();
    const build = spawnSync(process.execPath, [resolve("node_modules/next/dist/bin/next"), "build"], {
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    if (build.status !== 0)
      throw new Error(
        `next build failed (${build.status ?? build.signal}):\n${`${build.stdout}${build.stderr}`.split("\n").slice(-40).join("\n")}`,
      );
    console.log(`done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }

  await assertPortFree(options.appPort);
  await assertPortFree(options.emulatorPort);

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
  );
  cleanups.push({ name: "emulators", run: () => emulators!.stop() });
  await waitForUrl(`${emulatorUrl}/_emulator/health`, emulators, 60_000);
  const control = new EmulatorControl(emulatorUrl);
  await control.configure(options.latencyMs, options.resendLimit);
  // Funding sends credit webhooks; hold them until MailKit is up rather than have them fail and retry.
  if (options.webhooks) await control.pauseDodoWebhooks();

  // ---- 3. database and customers, with MailKit's own code in this process ----------------------------------------
  const database: BenchDatabase = await createBenchDatabase();
  cleanups.push({ name: "database", run: () => database.drop() });
  Object.assign(process.env, localEnv, { DATABASE_URL: database.url });
  const setup = await import("./bench/setup");
  const { customers, entitlementId, databaseVersion } = await setup.setUpCustomers([
    { label: "A", credits: CREDITS.A },
    { label: "B", credits: CREDITS.B },
  ]);
  const [A, B] = customers as [(typeof customers)[0], (typeof customers)[0]];
  // PGlite: one process per directory, so this process lets go before the server opens it.
  await setup.closeDatabase();
  const databaseLabel =
    database.kind === "postgres"
      ? `${database.label}, PostgreSQL ${await postgresVersion(database.url)}`
      : `${database.label}, PGlite ${pgliteVersion()} (${databaseVersion})`;

  // ---- 4. the app ---------------------------------------------------------------------------------------------------
  const metricsToken = randomBytes(24).toString("hex");
  app = startChild(
    "next start",
    process.execPath,
    [
      // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (written when it stops)
      ...(process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      resolve("node_modules/next/dist/bin/next"),
      "start",
      "-p",
      String(options.appPort),
      "-H",
      "127.0.0.1",
    ],
    {
      ...process.env,
      ...localEnv,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DATABASE_URL: database.url,
      METRICS_TOKEN: metricsToken,
      RESEND_RATE_LIMIT_PER_SECOND: String(options.resendLimit),
      AUTH_SECRET: randomBytes(32).toString("hex"),
    },
    join(logDir, "app.log"),
  );
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
  }
  function reportFailures(label: string, result: LoadResult): void {
    if (result.accepted === result.requests) return;
    console.log(`  ✘ ${label}: non-200 answers ${describeFailures(result.failures)}; first: ${result.firstFailure}`);
  }

  // Warm-up (JIT, route compilation, connection pools); its sends count in the billing check below.
  const warmUp = await runLoad({ appUrl, token: A.token, total: 40, concurrency: 4 });
  acceptedA += warmUp.accepted;
  reportFailures("warm-up", warmUp);
  delivered += warmUp.accepted;
  if (!(await waitForResend(delivered))) console.log("  ✘ warm-up sends did not all reach Resend in time");

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
    const result = await runLoad({ appUrl, token: A.token, total: requests, concurrency });
    acceptedA += result.accepted;
    delivered += result.accepted;
    levelUnknown += result.failures.network ?? 0;
    // Let the dispatcher hand this level's sends to Resend so the next level starts from an empty queue.
    const drained = await waitForResend(delivered);
    let txPerSend: number | null = null;
    let txNetPerSend: number | null = null;
    if (before !== null) {
      await sleep(PG_STATS_SETTLE_MS);
      const transactions = (await database.transactions())! - before - 1;
      const idle = (idlePerSecond ?? 0) * ((performance.now() - sampledAt) / 1000);
      txPerSend = transactions / Math.max(1, result.accepted);
      txNetPerSend = (transactions - idle) / Math.max(1, result.accepted);
    }
    const phase = `accept c=${concurrency}`;
    console.log(
      `${phase}: ${requests} requests, p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, ${perSecond(result.acceptedPerSecond)} accepted, ` +
        `non-200: ${describeFailures(result.failures)}` +
        (txPerSend !== null
          ? `, ${txPerSend.toFixed(2)} PostgreSQL transactions per accepted send incl. background work (${txNetPerSend!.toFixed(2)} net of idle loops)`
          : "") +
        (drained ? "" : " — ✘ not all reached Resend within 120 s"),
    );
    reportFailures(phase, result);
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
    if (!drained) checks.push(false);
  }

  // ---- 5b. burst from A, one email from B in the middle -----------------------------------------------------------
  const bRecipient = `b-probe-${Date.now()}@example.com`;
  const baseline = delivered;
  const timeline: Array<{ t: number; count: number }> = [];
  let polling = true;
  const burstStarted = performance.now();
  // Delivery may take at most 120 s after the burst's last answer (accepting 5,000 sends on a busy machine can
  // itself take minutes); the hard cap only bounds the loop should the burst never finish.
  let deliveryDeadline = burstStarted + 30 * 60_000;
  // Counting at the emulator: an email has "reached Resend" when Resend stored it.
  const countPoller = (async () => {
    while (polling && performance.now() < deliveryDeadline) {
      timeline.push({ t: performance.now(), count: await control.resendMessageCount() });
      await sleep(100);
    }
  })();
  let bProbe: Promise<{ status: number; acceptMs: number; deliveryMs: number | null; error?: string }> | undefined;
  const probeB = async () => {
    const sent = performance.now();
    const answer = await sendOne(appUrl, B.token, bRecipient, "Bench <bench@b.bench.test>");
    if (answer.status !== 200)
      return { status: answer.status, acceptMs: answer.ms, deliveryMs: null, error: answer.error };
    while (performance.now() - sent < DELIVERY_TIMEOUT_MS) {
      if (await control.resendHasMessageTo(bRecipient))
        return { status: 200, acceptMs: answer.ms, deliveryMs: performance.now() - sent };
      await sleep(50);
    }
    return { status: 200, acceptMs: answer.ms, deliveryMs: null };
  };
  const burst = await runLoad({
    appUrl,
    token: A.token,
    total: options.burst,
    concurrency: 64,
    onAnswer: (answered) => {
      if (!bProbe && answered >= options.burst / 2) bProbe = probeB();
    },
  });
  const b = await bProbe!;
  acceptedA += burst.accepted;
  if (b.status === 200) acceptedB += 1;
  const target = baseline + burst.accepted + (b.status === 200 ? 1 : 0);
  delivered = target;
  deliveryDeadline = performance.now() + DELIVERY_TIMEOUT_MS;
  while (polling && performance.now() < deliveryDeadline) {
    if ((timeline.at(-1)?.count ?? 0) >= target) break;
    assertAppAlive();
    await sleep(100);
  }
  polling = false;
  await countPoller;
  const reached = timeline.find((s) => s.count >= target);
  const allSeconds = reached ? (reached.t - burstStarted) / 1000 : NaN;
  const deliveredPerSecond = (target - baseline) / allSeconds;
  console.log(
    `burst: ${options.burst} sends at c=64 accepted in ${burst.seconds.toFixed(1)} s (${perSecond(burst.acceptedPerSecond)}, p99 ${ms(burst.p99)}, non-200: ${describeFailures(burst.failures)}); ` +
      (reached
        ? `all at Resend after ${allSeconds.toFixed(1)} s (${perSecond(deliveredPerSecond)} delivered)`
        : `✘ only ${(timeline.at(-1)?.count ?? baseline) - baseline} of ${target - baseline} at Resend ${DELIVERY_TIMEOUT_MS / 1000} s after the last answer`) +
      `; B's email: ${b.status !== 200 ? `✘ answered ${b.status} ${b.error ?? ""}` : b.deliveryMs === null ? "✘ not at Resend within 120 s" : `at Resend ${(b.deliveryMs / 1000).toFixed(2)} s after its POST (accepted in ${ms(b.acceptMs)})`}`,
  );
  reportFailures("burst", burst);
  rows.push(
    {
      phase: "burst",
      figure: "accepted sends/s",
      value: perSecond(burst.acceptedPerSecond),
      note: `${options.burst} sends from A at c=64`,
    },
    { phase: "burst", figure: "p99 accept latency", value: ms(burst.p99) },
    { phase: "burst", figure: "non-200 answers", value: String(burst.requests - burst.accepted) },
    {
      phase: "burst",
      figure: "time until all reached Resend",
      value: reached ? `${allSeconds.toFixed(1)} s` : "✘ timeout",
      note: "from the burst's first request",
    },
    {
      phase: "burst",
      figure: "delivered emails/s",
      value: perSecond(deliveredPerSecond),
      note: `Resend at ${options.resendLimit} req/s, ≤ 100 per batch`,
    },
    {
      phase: "burst",
      figure: "B's email: POST → at Resend",
      value: b.deliveryMs === null ? "✘" : `${(b.deliveryMs / 1000).toFixed(2)} s`,
      note: "one email from B sent half-way through A's burst",
    },
  );
  if (!reached || b.deliveryMs === null || b.status !== 200) checks.push(false);

  // ---- 5c. calls per email, and Dodo's balance against what was accepted -----------------------------------------
  // A request the client gave up on (timeout) may still have been admitted: then the emails that reached Resend,
  // not the 200 answers, are what must be billed. Wait for MailKit's queue to empty (≤ 120 s) to count them.
  const unknownOutcomes = warmUp.requests - warmUp.accepted + levelUnknown + (burst.failures.network ?? 0);
  let metricsText = "";
  const queueDeadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (Date.now() < queueDeadline) {
    metricsText = await scrapeMetrics(appUrl, metricsToken).catch((error: Error) => {
      console.log(`  ✘ GET /api/metrics: ${error.message}`);
      return "";
    });
    if (metricsText && total(metricsText, "mailkit_queue_depth") === 0) break;
    assertAppAlive();
    await sleep(1_000);
  }
  const atResendB = (await control.resendHasMessageTo(bRecipient)) ? 1 : 0;
  const atResendA = (await control.resendMessageCount()) - initialAtResend - atResendB;
  // Debits are coalesced and posted a few seconds after Resend accepted: wait until Dodo shows them all (≤ 60 s).
  const billedA = unknownOutcomes > 0 ? atResendA : acceptedA;
  const expectedA = CREDITS.A - billedA;
  const expectedB = CREDITS.B - acceptedB;
  let balanceA = NaN;
  let balanceB = NaN;
  const billingDeadline = Date.now() + 60_000;
  while (Date.now() < billingDeadline) {
    [balanceA, balanceB] = await Promise.all([
      setup.dodoBalance(A.customerId, entitlementId),
      setup.dodoBalance(B.customerId, entitlementId),
    ]);
    if (balanceA <= expectedA && balanceB <= expectedB) break;
    await sleep(500);
  }
  await sleep(3_000); // anything still in flight would show as a mismatch now, not later
  [balanceA, balanceB] = await Promise.all([
    setup.dodoBalance(A.customerId, entitlementId),
    setup.dodoBalance(B.customerId, entitlementId),
  ]);
  metricsText = (await scrapeMetrics(appUrl, metricsToken).catch(() => "")) || metricsText;
  const accepted = acceptedA + acceptedB;
  const resendCalls = total(metricsText, "mailkit_resend_calls_total");
  const dodoCalls = total(metricsText, "mailkit_dodo_calls_total");
  const acceptedByApp = total(metricsText, "mailkit_sends_accepted_total");
  const queueDepth = metricsText ? total(metricsText, "mailkit_queue_depth") : NaN;
  const okA = balanceA === expectedA;
  const okB = balanceB === expectedB;
  checks.push(okA, okB, unknownOutcomes > 0 || acceptedByApp === accepted, atResendA + atResendB >= accepted);
  console.log(
    `calls: ${resendCalls} Resend calls (${byLabel(metricsText, "mailkit_resend_calls_total", "outcome")}), ` +
      `${dodoCalls} Dodo calls (${byLabel(metricsText, "mailkit_dodo_calls_total", "operation")}) for ${accepted} accepted sends ` +
      `(MailKit counted ${acceptedByApp}); queue depth ${queueDepth}; ${atResendA + atResendB} emails at the Resend emulator`,
  );
  console.log(
    `billing: A ${okA ? "✔" : "✘"} Dodo balance ${balanceA} = ${CREDITS.A} − ${billedA} ` +
      (unknownOutcomes > 0
        ? `emails at Resend (${acceptedA} answered 200, ${unknownOutcomes} requests timed out client-side with unknown outcome)`
        : `accepted`) +
      ` (expected ${expectedA}); B ${okB ? "✔" : "✘"} ${balanceB} = ${CREDITS.B} − ${acceptedB} (expected ${expectedB})`,
  );
  rows.push(
    {
      phase: "whole run",
      figure: "accepted sends",
      value: String(accepted),
      note: `MailKit's counter: ${acceptedByApp}`,
    },
    {
      phase: "whole run",
      figure: "Resend calls per accepted email",
      value: ratio(resendCalls / accepted),
      note: `${resendCalls} calls`,
    },
    {
      phase: "whole run",
      figure: "Dodo calls per accepted email",
      value: ratio(dodoCalls / accepted),
      note: `${dodoCalls} calls: ${byLabel(metricsText, "mailkit_dodo_calls_total", "operation")}`,
    },
    {
      phase: "whole run",
      figure: "Dodo balance of A = credits − accepted",
      value: okA ? "✔" : "✘",
      note: `${balanceA} vs ${expectedA}${unknownOutcomes > 0 ? ` (= emails at Resend; ${unknownOutcomes} client timeouts)` : ""}`,
    },
  );
  assertAppAlive();

  // ---- 6. report ------------------------------------------------------------------------------------------------
  const settings = await control.describe();
  console.log("\n## MailKit benchmark\n");
  for (const line of machineLines(databaseLabel, loadAtStart)) console.log(`    ${line}`);
  console.log(
    `    options   latency ${options.latencyMs} ms per Dodo/Resend call (emulators report Dodo ${settings.dodoLatencyMs} ms, Resend ${settings.resend.baseLatencyMs} ms), ` +
      `Resend limit ${options.resendLimit} req/s (RESEND_RATE_LIMIT_PER_SECOND=${options.resendLimit}), ` +
      `concurrency ${options.concurrency.join(",")}, requests ${options.concurrency.map((c) => requestsFor(options, c)).join(",")}, burst ${options.burst}, ` +
      `webhooks ${options.webhooks ? "on" : "off"}`,
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
