import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer, type AddressInfo } from "node:net";
import { resolve } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/keys/api-keys";

import { createFundedUser, startLocalServices, type LocalServices } from "../integration/helpers/environment";
import type { TestWorld } from "../integration/helpers/environment";

/**
 * The production artefact as the container runs it: built by scripts/build-standalone.ts (the Dockerfile's build
 * step), started as `node server.js` from .next/standalone on PostgreSQL, with the emulators standing in for Dodo and
 * Resend. It serves the sign-in page, accepts a send over the public API, delivers it, and takes Resend's delivery
 * webhook; SIGTERM stops it cleanly. STANDALONE_SKIP_BUILD=1 reuses the last build.
 */
const onPostgres = ["postgres", "pgbouncer"].includes(process.env.MAILKIT_TEST_DATABASE ?? "");

function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => done(port));
    });
  });
}

describe.skipIf(!onPostgres)("the standalone server", () => {
  let services: LocalServices;
  let server: ChildProcess;
  let output = "";
  let url = "";

  beforeAll(async () => {
    if (!process.env.STANDALONE_SKIP_BUILD) {
      const build = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-standalone.ts"], {
        stdio: "pipe",
        encoding: "utf8",
      });
      if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}\n${build.stderr}`);
    }
    const port = await freePort();
    url = `http://localhost:${port}`;
    services = await startLocalServices({ appUrl: url, env: { APP_URL: url } });
    server = spawn(process.execPath, ["server.js"], {
      cwd: resolve(".next/standalone"),
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        NEXT_MANUAL_SIG_HANDLE: "1",
        PORT: String(port),
        HOSTNAME: "127.0.0.1",
        APP_URL: url,
        DATABASE_URL: process.env.DATABASE_URL,
        EMULATOR_URL: services.emulators.url,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 60_000;
    while (
      !(await fetch(`${url}/api/ready`).then(
        (r) => r.ok,
        () => false,
      ))
    ) {
      if (Date.now() > deadline || server.exitCode !== null) throw new Error(`server did not get ready:\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 300_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill("SIGKILL");
    await services?.close();
  });

  it("serves the sign-in page with a request id", async () => {
    const page = await fetch(`${url}/signin`, { headers: { "x-request-id": "smoke-signin-1" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("x-request-id")).toBe("smoke-signin-1");
    expect(await page.text()).toContain('type="email"');
  });

  it("accepts a send, delivers it and takes Resend's delivery webhook", async () => {
    const { user } = await createFundedUser(services as TestWorld, 5, "standalone");
    const key = await createApiKey(user.id, { name: "smoke", permission: "full_access" });
    const sent = await fetch(`${url}/api/emails`, {
      method: "POST",
      headers: { authorization: `Bearer ${key.token}`, "content-type": "application/json" },
      body: JSON.stringify({ from: "Acme <hello@acme.test>", to: "smoke@example.com", subject: "Smoke", text: "Hi" }),
    });
    expect(sent.status).toBe(200);
    const { id } = (await sent.json()) as { id: string };

    let email: { last_event?: string } = {};
    for (let i = 0; i < 120 && email.last_event !== "delivered"; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const got = await fetch(`${url}/api/emails/${id}`, { headers: { authorization: `Bearer ${key.token}` } });
      email = (await got.json()) as { last_event?: string };
    }
    expect(email.last_event).toBe("delivered"); // set only by the email.delivered webhook
    expect(services.emulators.resend.messages({ q: "smoke@example.com" })).toHaveLength(1);
  });

  it("stops on SIGTERM within 15 s, exit code 0", async () => {
    const started = Date.now();
    const exited = new Promise<number | null>((r) => server.once("exit", (code) => r(code)));
    server.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(output).toContain('"msg":"stopped"');
  });
});
