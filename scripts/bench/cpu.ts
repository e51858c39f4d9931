import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time per process from /proc (Linux), in ms: `utime + stime` of each process, plus `cutime + cstime`
 * (children it has already reaped), so a process group's figure also covers workers that came and went.
 * Elsewhere every figure is NaN and the report shows "–".
 */
const TICK_MS = (() => {
  const hz = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout?.trim());
  return 1000 / (Number.isFinite(hz) && hz > 0 ? hz : 100);
})();

type Stat = { pid: number; comm: string; pgrp: number; own: number; reaped: number };

function readStat(pid: number): Stat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name is in parentheses and may itself contain spaces or ")".
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" "); // fields[0] is field 3 (state)
    const at = (field: number) => Number(fields[field - 3]);
    return { pid, comm, pgrp: at(5), own: (at(14) + at(15)) * TICK_MS, reaped: (at(16) + at(17)) * TICK_MS };
  } catch {
    return null; // ended while we read
  }
}

function allStats(): Stat[] {
  let names: string[];
  try {
    names = readdirSync("/proc");
  } catch {
    return [];
  }
  const out: Stat[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  } catch {
    return "";
  }
}

export type CpuSnapshot = {
  at: number;
  /** ms per process group (the app instances, the emulators), keyed by the group leader's pid. */
  groups: Map<number, number>;
  /** ms per backend of the benchmark database (PostgreSQL's process title names the database). */
  backends: Map<number, number>;
  /** ms of every postgres process (other databases, WAL writer, checkpointer… included). */
  postgresAll: number;
  /** ms of this process (the load generator). */
  bench: number;
};

export function sampleCpu(groupLeaders: number[], databaseName: string | null): CpuSnapshot {
  const stats = allStats();
  const groups = new Map<number, number>(groupLeaders.map((pid) => [pid, 0]));
  const backends = new Map<number, number>();
  let postgresAll = 0;
  for (const s of stats) {
    if (groups.has(s.pgrp)) groups.set(s.pgrp, groups.get(s.pgrp)! + s.own + s.reaped);
    if (s.comm === "postgres") {
      postgresAll += s.own + s.reaped;
      if (databaseName && cmdline(s.pid).includes(` ${databaseName} `)) backends.set(s.pid, s.own);
    }
  }
  const usage = process.cpuUsage();
  return { at: performance.now(), groups, backends, postgresAll, bench: (usage.user + usage.system) / 1000 };
}

export type CpuSpent = {
  seconds: number;
  /** Summed over the given group leaders (e.g. both app instances). */
  group(leaders: number[]): number;
  /** The benchmark database's backends; a backend that started during the interval counts from zero. */
  postgres: number;
  postgresAll: number;
  bench: number;
};

export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot): CpuSpent {
  let postgres = 0;
  // A backend that ended during the interval is lost (its time went to the postmaster): the app's pool keeps
  // its connections, so this is rare; the whole-server figure has it.
  for (const [pid, ms] of after.backends) postgres += ms - (before.backends.get(pid) ?? 0);
  return {
    seconds: (after.at - before.at) / 1000,
    group: (leaders) =>
      leaders.reduce((sum, pid) => sum + (after.groups.get(pid) ?? NaN) - (before.groups.get(pid) ?? NaN), 0),
    postgres,
    postgresAll: after.postgresAll - before.postgresAll,
    bench: after.bench - before.bench,
  };
}

/** Whether /proc gives per-process CPU time here. */
export const cpuMeasurable = (): boolean => readStat(process.pid) !== null;
