import { runBatchLoad, type BatchCustomer, type BatchLoadResult } from "./batch-load";
import { costRows, markCosts, type CostSources } from "./costs";
import type { EmulatorControl } from "./emulator-control";
import { deliveryShares, type Fairness } from "./fairness";
import { describeFailures } from "./load";
import { sleep } from "./processes";
import { ms, perSecond, type Row } from "./report";

/**
 * The batch phase: `requests` × `size` emails through POST /api/emails/batch, `concurrency` requests in flight,
 * from several customers by weight. Measures acceptance, delivery end to end (the phase's first request → its
 * last email at Resend, timed by the Resend emulator), each customer's share of delivery while several waited,
 * and what it cost.
 */
export type BatchPhaseOptions = {
  appUrl: string;
  customers: BatchCustomer[];
  weights: number[];
  requests: number;
  size: number;
  concurrency: number;
  resendLimit: number;
  /** Added to every provider call (the emulators' latency). */
  latencyMs: number;
};

/** Shares are compared over windows of this many calls' worth of consecutive emails at Resend. */
const WINDOW_CALLS = 5;
const TOLERANCE = 0.1;
const DELIVERY_TIMEOUT_MS = 120_000;

export async function runBatchPhase(
  options: BatchPhaseOptions,
  control: EmulatorControl,
  costs: CostSources,
  assertAppAlive: () => void,
): Promise<{ rows: Row[]; load: BatchLoadResult; delivered: boolean }> {
  const phase = "batch";
  const baseline = await control.resendMessageCount();
  const mark = await markCosts(costs);
  const startedAt = Date.now();
  const load = await runBatchLoad(options);
  const lastAnswerAt = Date.now();

  let atResend = baseline;
  while (Date.now() - lastAnswerAt < DELIVERY_TIMEOUT_MS) {
    atResend = await control.resendMessageCount();
    if (atResend >= baseline + load.accepted) break;
    assertAppAlive();
    await sleep(100);
  }
  const delivered = atResend >= baseline + load.accepted;
  const cost = await costRows(costs, mark, phase, {
    accepted: load.accepted,
    delivered: atResend - baseline,
    clientRequests: load.requests,
  });

  // When each of the phase's emails reached Resend, and whose it was (by its `from`).
  const deliveries = (await costs.probe.deliveries(atResend - baseline)).map(([at, from]) => ({
    at,
    customer: options.customers.find((c) => from.includes(addressOf(c.from)))?.label ?? "?",
  }));
  const firstAt = deliveries[0]?.at ?? NaN;
  const lastAt = deliveries.at(-1)?.at ?? NaN;
  const endToEnd = (lastAt - startedAt) / 1000;
  const fairness = deliveryShares({
    customers: options.customers.map((c) => c.label),
    answers: load.answers,
    deliveries,
    windowEmails: WINDOW_CALLS * options.size,
    minBacklog: options.size,
    tolerance: TOLERANCE,
    packLeadMs: 1000 / options.resendLimit + options.latencyMs,
  });

  const described = `${options.requests}×${options.size} from ${options.customers.map((c) => c.label).join(", ")} (weights ${options.weights.join(",")}) at c=${options.concurrency}`;
  console.log(
    `batch: ${described}: accepted ${load.accepted} in ${load.seconds.toFixed(1)} s (${perSecond(load.acceptedPerSecond)}, ` +
      `p50 ${ms(load.p50)}, p99 ${ms(load.p99)} per request, non-200: ${describeFailures(load.failures)}); ` +
      (delivered
        ? `all at Resend ${endToEnd.toFixed(1)} s after the first request (${perSecond(load.accepted / endToEnd)} end to end; ` +
          `${perSecond(deliveries.length / ((lastAt - firstAt) / 1000))} from the first to the last at Resend, ` +
          `the last ${((lastAt - lastAnswerAt) / 1000).toFixed(1)} s after the last answer)`
        : `✘ only ${atResend - baseline} of ${load.accepted} at Resend ${DELIVERY_TIMEOUT_MS / 1000} s after the last answer`),
  );
  if (load.firstFailure) console.log(`  ✘ batch: first non-200: ${load.firstFailure}`);
  console.log(`  ${describeFairness(fairness)}`);
  for (const line of fairnessTimeline(fairness)) console.log(`    ${line}`);
  console.log(cost.line);

  const rows: Row[] = [
    {
      phase,
      figure: "accepted emails/s",
      value: perSecond(load.acceptedPerSecond),
      note: `${described}; p50 ${ms(load.p50)}, p99 ${ms(load.p99)} per request`,
    },
    { phase, figure: "non-200 answers", value: String(Object.values(load.failures).reduce((a, b) => a + b, 0)) },
    {
      phase,
      figure: "at-Resend emails/s end to end",
      value: delivered ? perSecond(load.accepted / endToEnd) : "✘",
      note: delivered
        ? `first request → last email at Resend: ${endToEnd.toFixed(1)} s (last answer → last at Resend ${((lastAt - lastAnswerAt) / 1000).toFixed(1)} s); ` +
          `Resend at ${options.resendLimit} req/s carries ≤ ${options.resendLimit * 100}/s`
        : `only ${atResend - baseline} of ${load.accepted} within ${DELIVERY_TIMEOUT_MS / 1000} s`,
    },
    {
      phase,
      figure: `customers' shares within ${TOLERANCE * 100} % of fair`,
      value: fairness.contended.length ? `${fairness.fair}/${fairness.contended.length}` : "–",
      note: describeFairness(fairness),
    },
    ...cost.rows,
  ];
  return { rows, load, delivered };
}

/** "bench@x.bench.test" of "Bench <bench@x.bench.test>". */
const addressOf = (from: string) => /<([^>]+)>/.exec(from)?.[1] ?? from;

function describeFairness(f: Fairness): string {
  if (!f.contended.length)
    return `no window of ${f.windowEmails} emails in which two customers both waited (delivery kept up with acceptance)`;
  const totals = Object.entries(f.totals)
    .filter(([, t]) => t.equalShare > 0)
    .map(([c, t]) => `${c} ${t.delivered} (equal share ${Math.round(t.equalShare)})`)
    .join(", ");
  return (
    `${f.fair} of ${f.contended.length} windows of ${f.windowEmails} emails in which ≥ 2 customers waited were within ` +
    `${TOLERANCE * 100} % of equal shares; worst ${(f.worst!.deviation * 100).toFixed(0)} % (${f.worst!.customer}); while waiting: ${totals}`
  );
}

/** One line per contended window: each waiting customer's share, e.g. "+4.0 s  X 34 %  Y 33 %  Z 33 %". */
function fairnessTimeline(f: Fairness): string[] {
  const origin = f.contended[0]?.start ?? 0;
  return f.contended.map((w) => {
    const total = Object.values(w.delivered).reduce((a, b) => a + b, 0);
    const shares = w.waiting.map((c) => `${c} ${total ? ((w.delivered[c]! / total) * 100).toFixed(0) : "–"} %`);
    return `+${((w.start - origin) / 1000).toFixed(1).padStart(5)} s  ${shares.join("  ")}  (${total} emails)`;
  });
}
