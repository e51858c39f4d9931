import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

import { startChild, type Child } from "./processes";

/** `next build` (production), failing with the build's last lines. */
export function buildApp(): void {
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

/** One `next start` instance in its own process group (its CPU is measured per group). */
export function startApp(name: string, port: number, env: Record<string, string>, logFile: string): Child {
  return startChild(
    name,
    process.execPath,
    [
      // e.g. BENCH_APP_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the server (written when it stops)
      ...(process.env.BENCH_APP_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
      resolve("node_modules/next/dist/bin/next"),
      "start",
      "-p",
      String(port),
      "-H",
      "127.0.0.1",
    ],
    { ...process.env, ...env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    logFile,
  );
}
