import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { planEmulators } from "@/scripts/lib/emulators";

const root = path.resolve(__dirname, "../..");

/** A TCP server on a free port of 127.0.0.1 (where the emulators listen), holding it until closed. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/**
 * An HTTP server on a free port of 127.0.0.1 answering `/_emulator/health` with `health`, anything else 404;
 * `requests` lists the paths asked for.
 */
async function answering(health: unknown): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createHttpServer((req, res) => {
    requests.push(req.url ?? "");
    const found = req.url === "/_emulator/health";
    res.writeHead(found ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(found ? health : {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port, requests };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Runs a script the way npm does (tsx), and collects its exit code and output. */
function run(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", ...args], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    // Should it start after all, it must not outlive the test.
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run emulators on a busy port", () => {
  let held: { server: Server; port: number };
  let stateDir: string;
  beforeAll(async () => {
    held = await holdPort();
    stateDir = mkdtempSync(path.join(tmpdir(), "mailkit-emulators-"));
  });
  afterAll(() => {
    held.server.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("exits 1 with a one-line hint, not an EADDRINUSE stack", async () => {
    const result = await run(["emulators/main.ts"], {
      EMULATOR_PORT: String(held.port),
      EMULATOR_STATE_DIR: stateDir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      `✖ Port ${held.port} is already in use: set EMULATOR_PORT to a free port (e.g. EMULATOR_PORT=${held.port + 1} npm run emulators), or EMULATOR_URL for npm run dev (e.g. EMULATOR_URL=http://localhost:${held.port + 1}).`,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe("planEmulators", () => {
  it("reuses MailKit's emulators, recognised by their health check, and says where they deliver webhooks", async () => {
    const { server, port } = await answering({
      ok: true,
      service: "mailkit-emulators",
      appUrl: "http://localhost:3401",
    });
    try {
      expect(await planEmulators(`http://localhost:${port}`)).toEqual({
        action: "reuse",
        appUrl: "http://localhost:3401",
      });
    } finally {
      await close(server);
    }
  });

  it("stops at a port something else answers on", async () => {
    const { server, port } = await answering({ ok: true, service: "something-else" });
    try {
      expect(await planEmulators(`http://localhost:${port}`)).toEqual({ action: "busy", port });
    } finally {
      await close(server);
    }
  });

  it("stops at a port held by something that does not speak HTTP", async () => {
    const { server, port } = await holdPort();
    server.on("connection", (socket) => socket.destroy());
    try {
      expect(await planEmulators(`http://localhost:${port}`)).toEqual({ action: "busy", port });
    } finally {
      await close(server);
    }
  });

  it("starts them on a free port", async () => {
    const { server, port } = await holdPort();
    await close(server);
    expect(await planEmulators(`http://localhost:${port}`)).toEqual({ action: "start", port });
  });
});

describe("npm run dev next to a running instance on the embedded database", () => {
  it("stops before anything starts, with the one-line reason, when the emulators it would reuse come with a held database", async () => {
    // The first instance: its emulators at EMULATOR_URL, its Next.js (here a live `sleep`) holding the PGlite directory.
    const emulators = await answering({ ok: true, service: "mailkit-emulators", appUrl: "http://localhost:3401" });
    const nextJs = spawn("sleep", ["30"], { stdio: "ignore" });
    const dataDir = mkdtempSync(path.join(tmpdir(), "mailkit-launcher-db-"));
    writeFileSync(path.join(dataDir, "mailkit.pid"), String(nextJs.pid));
    const app = await holdPort();
    await close(app.server);
    try {
      const result = await run(["scripts/dev.ts", "-p", String(app.port)], {
        PGLITE_DIR: dataDir,
        EMULATOR_URL: `http://localhost:${emulators.port}`,
        // Local mode on the embedded database, whatever the environment running the tests says.
        DATABASE_URL: undefined,
        DODO_PAYMENTS_API_KEY: undefined,
        RESEND_API_KEY: undefined,
        APP_URL: undefined,
        PORT: undefined,
      });
      expect(result.stderr.trim()).toBe(
        `✖ The embedded database in ${dataDir} is in use by process ${nextJs.pid} (another MailKit). Stop it, or give this instance its own PGLITE_DIR, or use PostgreSQL (DATABASE_URL) to run several instances.`,
      );
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain("starting Next.js");
      // Nothing asked of the first instance's emulators beyond recognising them (no catalog set up in them).
      expect(emulators.requests.every((url) => url === "/_emulator/health")).toBe(true);
    } finally {
      nextJs.kill("SIGKILL");
      await close(emulators.server);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
