/**
 * npx tsx scripts/bench-emulator.ts [--calls 2000] [--latency 50] [--latency-calls 400]
 *
 * Starts the emulators in-process, grants a balance, then times sequential `balances.retrieve` calls through
 * the real SDK over loopback: once as is (the read path must stay under 2 ms median) and once with an added
 * latency (a realistic provider round trip, for benchmarks of the app).
 */
import DodoPayments from "dodopayments";

import { LOCAL_DEFAULTS } from "../lib/env";
import { startEmulators } from "../emulators/server";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const calls = arg("calls", 2000);
const latency = arg("latency", 50);
// With latency every call waits `latency` ms, so that run defaults to fewer calls (--latency-calls to change).
const latencyCalls = arg("latency-calls", Math.min(calls, 400));

const emulators = await startEmulators({
  port: 0,
  appUrl: "http://localhost:1",
  dodo: { settings: { webhooksEnabled: false } },
});
const dodo = new DodoPayments({
  bearerToken: LOCAL_DEFAULTS.dodoApiKey,
  baseURL: `${emulators.url}/dodo`,
  maxRetries: 0,
});

const entitlement = await dodo.creditEntitlements.create({
  name: "Email Credits",
  unit: "email",
  precision: 0,
  rollover_enabled: false,
  overage_enabled: false,
});
const customer = await dodo.customers.create({ email: "bench@example.com", name: "Bench" });
await dodo.creditEntitlements.balances.createLedgerEntry(customer.customer_id, {
  credit_entitlement_id: entitlement.id,
  entry_type: "credit",
  amount: "1000000",
});

async function measure(label: string, n: number): Promise<{ median: number; p99: number }> {
  for (let i = 0; i < 50; i++)
    await dodo.creditEntitlements.balances.retrieve(customer.customer_id, { credit_entitlement_id: entitlement.id }); // warm-up
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    await dodo.creditEntitlements.balances.retrieve(customer.customer_id, { credit_entitlement_id: entitlement.id });
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  const result = { median: at(0.5), p99: at(0.99) };
  console.log(
    `${label.padEnd(28)} ${String(n).padStart(5)} calls  median ${result.median.toFixed(3)} ms  p99 ${result.p99.toFixed(3)} ms`,
  );
  return result;
}

const plain = await measure("balances.retrieve", calls);
emulators.dodo.faults.baseLatencyMs = latency;
await measure(`balances.retrieve +${latency} ms`, latencyCalls);
await emulators.close();

if (plain.median >= 2) {
  console.error(`FAIL: median ${plain.median.toFixed(3)} ms is not under 2 ms`);
  process.exit(1);
}
console.log("OK: median under 2 ms");
