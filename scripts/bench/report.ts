import { cpus, freemem, loadavg, release, totalmem, type as osType } from "node:os";
import { readFileSync } from "node:fs";

/** What the figures were measured on: they only compare within one run on one machine. */
export function machineLines(database: string, loadAtStart: number[]): string[] {
  const cpu = cpus();
  let distro = "";
  try {
    distro = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? "";
  } catch {
    /* not Linux */
  }
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  return [
    `os        ${osType()} ${release()}${distro ? ` (${distro})` : ""}`,
    `cpu       ${cpu[0]?.model.trim() ?? "unknown"} × ${cpu.length} cores`,
    `memory    ${gib(totalmem())} (${gib(freemem())} free)`,
    `load      ${loadLine(loadAtStart)} at the start, ${loadLine(loadavg())} at the end (1/5/15-min averages; other work shares the cores)`,
    `node      ${process.version}; next ${packageVersion("next")}`,
    `database  ${database}`,
  ];
}

const loadLine = (load: number[]) => load.map((l) => l.toFixed(2)).join(" / ");

function packageVersion(name: string): string {
  try {
    return (JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

export function pgliteVersion(): string {
  return packageVersion("@electric-sql/pglite");
}

export type Row = { phase: string; figure: string; value: string; note?: string };

/** A Markdown table (pipes aligned so it also reads well in a terminal). */
export function markdownTable(rows: Row[]): string {
  const header = ["Phase", "Figure", "Value", "Note"];
  const body = rows.map((r) => [r.phase, r.figure, r.value, r.note ?? ""]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (i === 2 ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...body.map(line)].join("\n");
}

export const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} ms` : "–");
export const perSecond = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)}/s` : "–");
export const ratio = (value: number) => (Number.isFinite(value) ? value.toFixed(3) : "–");

/** Lines of the server's log that look like trouble (errors, failed requests), to surface app misbehaviour. */
export function troubleLines(log: string): string[] {
  return log.split("\n").filter((line) => /error|⨯|✖|unhandled|exception|fatal|failed/i.test(line));
}
