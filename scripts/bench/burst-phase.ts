import { costRows, markCosts, type CostSources } from "./costs";
import type { EmulatorControl } from "./emulator-control";
import { describeFailures, runLoad, sendOne, type LoadResult } from "./load";
import { sleep } from "./processes";
import { ms, perSecond, type Row } from "./report";

/**
 * The burst: `sends` single sends from customer A at c=64, with B_PROBES single emails from customer B spread
 * through it. How long until everything reached Resend, and how long B's emails waited behind A's burst: from the
 * POST (what B's code feels, HTTP queueing among A's 64 requests included) and from B's answer (the part the
 * dispatcher's fairness owns). One probe is a noisy figure; five give a median and a worst case.
 */
const DELIVERY_TIMEOUT_MS = 120_000;
const B_PROBES = 5;

type Probe = { status: number; acceptMs: number; deliveryMs: number | null; error?: string };

export async function runBurstPhase(
  options: { appUrl: string; tokenA: string; tokenB: string; sends: number; resendLimit: number },
  control: EmulatorControl,
  costs: CostSources,
  assertAppAlive: () => void,
): Promise<{
  rows: Row[];
  burst: LoadResult;
  bAccepted: number;
  bAtResend: () => Promise<number>;
  ok: boolean;
}> {
  const stamp = Date.now();
  const bRecipient = (index: number) => `b-probe-${stamp}-${index}@example.com`;
  const baseline = await control.resendMessageCount();
  const burstMark = await markCosts(costs);
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
  const probeB = async (index: number): Promise<Probe> => {
    const sent = performance.now();
    const answer = await sendOne(options.appUrl, options.tokenB, bRecipient(index), "Bench <bench@b.bench.test>");
    if (answer.status !== 200)
      return { status: answer.status, acceptMs: answer.ms, deliveryMs: null, error: answer.error };
    while (performance.now() - sent < DELIVERY_TIMEOUT_MS) {
      if (await control.resendHasMessageTo(bRecipient(index)))
        return { status: 200, acceptMs: answer.ms, deliveryMs: performance.now() - sent };
      await sleep(50);
    }
    return { status: 200, acceptMs: answer.ms, deliveryMs: null };
  };
  // B's emails go out as A's answers pass 1/6, 2/6 … 5/6 of the burst.
  const probes: Promise<Probe>[] = [];
  const burst = await runLoad({
    appUrl: options.appUrl,
    token: options.tokenA,
    total: options.sends,
    concurrency: 64,
    onAnswer: (answered) => {
      while (probes.length < B_PROBES && answered >= (options.sends * (probes.length + 1)) / (B_PROBES + 1))
        probes.push(probeB(probes.length));
    },
  });
  const b = await Promise.all(probes);
  const bAccepted = b.filter((probe) => probe.status === 200).length;
  const bDelivered = b.flatMap((probe) => (probe.deliveryMs === null ? [] : [probe]));
  const target = baseline + burst.accepted + bAccepted;
  deliveryDeadline = performance.now() + DELIVERY_TIMEOUT_MS;
  while (polling && performance.now() < deliveryDeadline) {
    if ((timeline.at(-1)?.count ?? 0) >= target) break;
    assertAppAlive();
    await sleep(100);
  }
  polling = false;
  await countPoller;
  const burstCost = await costRows(costs, burstMark, "burst", {
    accepted: burst.accepted + bAccepted,
    delivered: (timeline.at(-1)?.count ?? baseline) - baseline,
    clientRequests: burst.requests + b.length,
  });
  const reached = timeline.find((s) => s.count >= target);
  const allSeconds = reached ? (reached.t - burstStarted) / 1000 : NaN;
  const deliveredPerSecond = (target - baseline) / allSeconds;
  console.log(
    `burst: ${options.sends} sends at c=64 accepted in ${burst.seconds.toFixed(1)} s (${perSecond(burst.acceptedPerSecond)}, p99 ${ms(burst.p99)}, non-200: ${describeFailures(burst.failures)}); ` +
      (reached
        ? `all at Resend after ${allSeconds.toFixed(1)} s (${perSecond(deliveredPerSecond)} delivered)`
        : `✘ only ${(timeline.at(-1)?.count ?? baseline) - baseline} of ${target - baseline} at Resend ${DELIVERY_TIMEOUT_MS / 1000} s after the last answer`) +
      `; B's emails: ${b.map(describeProbe).join(", ")}`,
  );
  if (burst.firstFailure)
    console.log(`  ✘ burst: non-200 answers ${describeFailures(burst.failures)}; first: ${burst.firstFailure}`);
  console.log(burstCost.line);
  const rows: Row[] = [
    {
      phase: "burst",
      figure: "accepted sends/s",
      value: perSecond(burst.acceptedPerSecond),
      note: `${options.sends} sends from A at c=64`,
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
      figure: "B's emails: POST → at Resend, median · worst",
      value: spread(b.map((probe) => probe.deliveryMs)),
      note: `${B_PROBES} emails from B spread through A's burst`,
    },
    {
      phase: "burst",
      figure: "B's emails: answered → at Resend, median · worst",
      value: spread(b.map((probe) => (probe.deliveryMs === null ? null : probe.deliveryMs - probe.acceptMs))),
      note: "the wait after MailKit accepted them (delivery's fairness, without HTTP queueing)",
    },
    ...burstCost.rows,
  ];
  return {
    rows,
    burst,
    bAccepted,
    bAtResend: async () => {
      let count = 0;
      for (let index = 0; index < b.length; index++) if (await control.resendHasMessageTo(bRecipient(index))) count++;
      return count;
    },
    ok: !!reached && bDelivered.length === B_PROBES,
  };
}

function describeProbe(probe: Probe): string {
  if (probe.status !== 200) return `✘ answered ${probe.status} ${probe.error ?? ""}`;
  if (probe.deliveryMs === null) return "✘ not at Resend within 120 s";
  return `${(probe.deliveryMs / 1000).toFixed(2)} s (accepted in ${ms(probe.acceptMs)})`;
}

/** "1.20 · 3.40 s": the median and the worst of the delivered ones; ✘ when one never arrived. */
function spread(values: (number | null)[]): string {
  if (values.length === 0 || values.some((value) => value === null)) return "✘";
  const sorted = (values as number[]).toSorted((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `${(median / 1000).toFixed(2)} · ${(sorted.at(-1)! / 1000).toFixed(2)} s`;
}
