/**
 * Memory check for bounded webhook bodies: starts the production build (`next start`, building first if
 * there is no build) on a scratch embedded database, posts a 300 MB unsigned chunked body to a webhook route and
 * fails unless the server's RSS stays within 50 MB of where it was. Linux only (reads /proc).
 *
 *   npm run check:webhook-memory            # port 3401, POST /api/webhooks/dodo, 300 MB
 *   npm run check:webhook-memory -- --path /api/webhooks/resend --mb 300 --port 3401
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "3401" },
    path: { type: "string", default: "/api/webhooks/dodo" },
    mb: { type: "string", default: "300" },
    "max-growth-mb": { type: "string", default: "50" },
  },
});
const port = Number(values.port);
const totalBytes = Number(values.mb) * 1024 * 1024;
const maxGrowth = Number(values["max-growth-mb"]) * 1024 * 1024;
const next = resolve("node_modules/next/dist/bin/next");

if (!existsSync(".next/BUILD_ID")) {
  const build = spawnSync(process.execPath, [next, "build"], {
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const dataDir = mkdtempSync(join(tmpdir(), "mailkit-memcheck-"));
const server = spawn(process.execPath, [next, "start", "--port", String(port)], {
  stdio: ["ignore", "inherit", "inherit"],
  env: {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    APP_URL: `http://localhost:${port}`,
    PGLITE_DIR: join(dataDir, "pglite"),
    DATABASE_URL: "",
  },
});

/** Resident set size of the server process, in bytes. */
function rss(): number {
  const status = readFileSync(`/proc/${server.pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Streams `bytes` of `{` as a chunked body (no Content-Length); resolves with the status (0 when the server reset
 * the connection before the client read its answer: it stopped reading and closed with data unread) and what was
 * written.
 */
function postChunked(bytes: number): Promise<{ status: number; written: number; body: string }> {
  return new Promise((resolvePost, reject) => {
    let written = 0;
    let status = 0;
    let body = "";
    const chunk = Buffer.alloc(64 * 1024, "{");
    const request = http.request({ host: "127.0.0.1", port, path: values.path, method: "POST" }, (response) => {
      status = response.statusCode ?? 0;
      response.on("data", (d: Buffer) => (body += d.toString()));
      response.on("end", () => {
        request.destroy();
        resolvePost({ status, written, body });
      });
    });
    request.on("error", (error: NodeJS.ErrnoException) =>
      status || error.code === "ECONNRESET" || error.code === "EPIPE"
        ? resolvePost({ status, written, body })
        : reject(error),
    );
    const pump = () => {
      while (written < bytes && !request.destroyed) {
        written += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      if (!request.destroyed) request.end();
    };
    pump();
  });
}

try {
  for (let i = 0; ; i++) {
    const ok = await fetch(`http://localhost:${port}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 300) throw new Error("the server did not start");
    await sleep(200);
  }
  // Warm up the route (compilation caches, first allocations) before the baseline.
  for (let i = 0; i < 5; i++) await postChunked(1024 * 1024);
  await sleep(1000);
  const before = rss();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rss())), 50);
  const started = Date.now();
  const result = await postChunked(totalBytes);
  await sleep(1000);
  clearInterval(sampler);
  const after = rss();
  peak = Math.max(peak, after);
  console.log(
    `POST ${values.path} with ${mb(totalBytes)} chunked → ${result.status || "connection reset"} ${result.body.slice(0, 120)} ` +
      `(client wrote ${mb(result.written)} in ${Date.now() - started} ms)`,
  );
  console.log(`server RSS: before ${mb(before)} · peak ${mb(peak)} · after ${mb(after)} · growth ${mb(peak - before)}`);
  if (result.status !== 413 && result.status !== 0) throw new Error(`expected 413, got ${result.status}`);
  if (result.written >= totalBytes) throw new Error("the server read the whole body");
  if (peak - before > maxGrowth) throw new Error(`RSS grew by ${mb(peak - before)} (limit ${mb(maxGrowth)})`);
  console.log("✓ webhook body bounded");
} catch (error) {
  console.error(`✖ ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  server.kill("SIGTERM");
  await sleep(500);
  rmSync(dataDir, { recursive: true, force: true });
}
