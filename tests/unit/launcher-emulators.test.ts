import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

/** A TCP server on a free port of 127.0.0.1 (where the emulators listen), holding it until closed. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** Runs a script the way npm does (tsx), and collects its exit code and output. */
function run(
  args: string[],
  env: Record<string, string>,
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
