import { cpuBetween, sampleCpu, type CpuSnapshot } from "./cpu";
import { describeRequests, requestsOf, type EmulatorProbe } from "./emulator-probe";
import type { AppRequestCounts } from "./emulator-process";
import { sleep } from "./processes";
import type { Row } from "./report";

/**
 * What a phase cost: CPU per email of each process (from /proc, sampled before the phase and after its emails
 * reached Resend and their webhooks and debits were done), and HTTP requests into MailKit per email (the load
 * generator's own requests plus every request the emulators made to MailKit).
 */
export type CostSources = {
  /** Process-group leaders of the running app instances (`next start`, detached). */
  appLeaders(): number[];
  emulatorLeader: number;
  /** PostgreSQL: the benchmark database (its backends); null on PGlite (inside the app's process). */
  databaseName: string | null;
  probe: EmulatorProbe;
  webhooks: boolean;
};

export type CostMark = { cpu: CpuSnapshot; counts: AppRequestCounts; leaders: number[] };

/** Debits are cut every ≤ 2 s; their `credit.deducted` webhooks follow. A phase is over when this long is quiet. */
const QUIET_MS = 2_500;

export async function markCosts(sources: CostSources): Promise<CostMark> {
  const leaders = sources.appLeaders();
  const counts = await sources.probe.counts();
  return { cpu: sampleCpu([...leaders, sources.emulatorLeader], sources.databaseName), counts, leaders };
}

export type PhaseVolume = {
  /** Emails MailKit accepted in the phase. */
  accepted: number;
  /** Emails that reached Resend in the phase. */
  delivered: number;
  /** HTTP requests the load generator sent MailKit in the phase. */
  clientRequests: number;
};

export async function costRows(
  sources: CostSources,
  mark: CostMark,
  phase: string,
  volume: PhaseVolume,
): Promise<{ rows: Row[]; line: string }> {
  const quiet = sources.webhooks ? await sources.probe.waitQuiet(QUIET_MS, 60_000) : (await sleep(QUIET_MS), true);
  const counts = await sources.probe.counts();
  const leaders = [...new Set([...mark.leaders, ...sources.appLeaders()])];
  const spent = cpuBetween(mark.cpu, sampleCpu([...leaders, sources.emulatorLeader], sources.databaseName));
  const server = spent.group(leaders);
  const emulators = spent.group([sources.emulatorLeader]);
  const postgres = sources.databaseName ? spent.postgres : NaN;
  const per = (ms: number, emails: number) => (emails > 0 && Number.isFinite(ms) ? (ms / emails).toFixed(2) : "–");
  const triple = (emails: number) => `${per(server, emails)} · ${per(emulators, emails)} · ${per(postgres, emails)} ms`;
  const webhookRequests = requestsOf(counts) - requestsOf(mark.counts);
  const intoMailKit = volume.clientRequests + webhookRequests;
  const cores = (server + emulators + (Number.isFinite(postgres) ? postgres : 0) + spent.bench) / 1000 / spent.seconds;
  const rows: Row[] = [
    {
      phase,
      figure: "CPU per accepted email: server · emulators · PostgreSQL",
      value: triple(volume.accepted),
      note:
        `/proc over ${spent.seconds.toFixed(1)} s: server ${(server / 1000).toFixed(1)} s` +
        `${leaders.length > 1 ? ` (${leaders.length} instances)` : ""}, emulators ${(emulators / 1000).toFixed(1)} s, ` +
        (sources.databaseName
          ? `PostgreSQL ${(postgres / 1000).toFixed(1)} s (bench database's backends; every postgres process: ${(spent.postgresAll / 1000).toFixed(1)} s), `
          : "PostgreSQL inside the server (PGlite), ") +
        `load generator ${(spent.bench / 1000).toFixed(1)} s; ${cores.toFixed(2)} cores busy`,
    },
    {
      phase,
      figure: "CPU per delivered email: server · emulators · PostgreSQL",
      value: triple(volume.delivered),
      note: `${volume.delivered} emails reached Resend in the phase${quiet ? "" : " (✘ webhooks still arriving after 60 s)"}`,
    },
    {
      phase,
      figure: "HTTP requests into MailKit per email",
      value: volume.accepted > 0 ? (intoMailKit / volume.accepted).toFixed(2) : "–",
      note: `${volume.clientRequests} from the load generator + ${webhookRequests} webhooks: ${describeRequests(mark.counts, counts)}`,
    },
  ];
  const line =
    `  ${phase} costs: CPU per accepted email ${triple(volume.accepted)} (server · emulators · PostgreSQL), ` +
    `per delivered ${triple(volume.delivered)}; HTTP requests into MailKit per email ${rows[2]!.value} ` +
    `(${volume.clientRequests} sends + ${webhookRequests} webhooks)`;
  return { rows, line };
}
