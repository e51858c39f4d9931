import { costRows, markCosts, type CostSources } from "./costs";
import type { EmulatorControl } from "./emulator-control";
import { describeFailures, runLoad, type LoadResult } from "./load";
import { sleep } from "./processes";
import { ms, perSecond, type Row } from "./report";

/**
 * Two `next start` instances on one PostgreSQL: single sends at `concurrency`, the workers split evenly across
 * both instances, and delivery end to end (first request → last email at Resend). Admission, rate limits and the
 * Resend budget are shared through the database, so two processes can use both cores.
 */
export async function runTwoInstanceCell(
  options: { appUrls: [string, string]; token: string; requests: number; concurrency: number },
  control: EmulatorControl,
  costs: CostSources,
  assertAppsAlive: () => void,
): Promise<{ rows: Row[]; load: LoadResult; delivered: boolean }> {
  const phase = `2 instances c=${options.concurrency}`;
  const baseline = await control.resendMessageCount();
  const mark = await markCosts(costs);
  const startedAt = Date.now();
  const load = await runLoad({
    appUrl: options.appUrls,
    token: options.token,
    total: options.requests,
    concurrency: options.concurrency,
  });
  const lastAnswerAt = Date.now();
  let atResend = baseline;
  while (Date.now() - lastAnswerAt < 120_000) {
    atResend = await control.resendMessageCount();
    if (atResend >= baseline + load.accepted) break;
    assertAppsAlive();
    await sleep(100);
  }
  const delivered = atResend >= baseline + load.accepted;
  const cost = await costRows(costs, mark, phase, {
    accepted: load.accepted,
    delivered: atResend - baseline,
    clientRequests: load.requests,
  });
  const lastAt = (await costs.probe.deliveries(1))[0]?.[0] ?? NaN;
  const endToEnd = (lastAt - startedAt) / 1000;
  console.log(
    `${phase}: ${options.requests} sends split over ${options.appUrls.join(" and ")}: p50 ${ms(load.p50)}, p99 ${ms(load.p99)}, ` +
      `${perSecond(load.acceptedPerSecond)} accepted, non-200: ${describeFailures(load.failures)}; ` +
      (delivered
        ? `all at Resend ${endToEnd.toFixed(1)} s after the first request (${perSecond(load.accepted / endToEnd)} end to end)`
        : `✘ only ${atResend - baseline} of ${load.accepted} at Resend 120 s after the last answer`),
  );
  if (load.firstFailure) console.log(`  ✘ ${phase}: first non-200: ${load.firstFailure}`);
  console.log(cost.line);
  const rows: Row[] = [
    {
      phase,
      figure: "p50 / p99 accept latency",
      value: `${ms(load.p50)} / ${ms(load.p99)}`,
      note: `${options.requests} single sends, ${options.concurrency / 2} workers per instance, one PostgreSQL`,
    },
    { phase, figure: "accepted sends/s", value: perSecond(load.acceptedPerSecond), note: "both instances together" },
    { phase, figure: "non-200 answers", value: String(load.requests - load.accepted) },
    {
      phase,
      figure: "at-Resend emails/s end to end",
      value: delivered ? perSecond(load.accepted / endToEnd) : "✘",
      note: delivered
        ? `first request → last email at Resend: ${endToEnd.toFixed(1)} s (last answer → last at Resend ${((lastAt - lastAnswerAt) / 1000).toFixed(1)} s)`
        : "",
    },
    ...cost.rows,
  ];
  return { rows, load, delivered };
}
