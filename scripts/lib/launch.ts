import { resolve } from "node:path";

import { isPortBusy } from "./ports";
import { startChild, waitForUrl } from "./processes";

/**
 * Starts MailKit: the local emulators when a service has no keys (local mode) — or reuses the ones already
 * running at EMULATOR_URL — the catalog in the emulator, pending migrations, then Next.js; "ready" is printed
 * once the app answers. Busy ports stop it before anything starts, with a one-line hint.
 * Shared by `npm run dev`, `npm start` and the e2e server.
 */
export async function launch(mode: "dev" | "start", port: number): Promise<void> {
  const { getEnv, ConfigError } = await import("@/lib/env");
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`✖ ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  if (await isPortBusy(port)) {
    fail(`Port ${port} is already in use: choose another with PORT=${port + 1} or \`npm run ${mode === "dev" ? "dev" : "start"} -- -p ${port + 1}\`.`);
  }

  if (env.dodoLocal || env.resendLocal) {
    const emulatorPort = Number(new URL(env.EMULATOR_URL).port || 4010);
    const running = await runningEmulators(env.EMULATOR_URL);
    if (running) {
      console.log(`[mailkit] reusing the emulators already running at ${env.EMULATOR_URL}`);
      if (running.appUrl !== env.APP_URL.replace(/\/$/, "")) {
        console.log(`[mailkit] note: they deliver webhooks to ${running.appUrl} (the app that started them), not ${env.APP_URL}`);
      }
    } else {
      if (await isPortBusy(emulatorPort, "127.0.0.1")) {
        fail(`Port ${emulatorPort} of EMULATOR_URL=${env.EMULATOR_URL} is in use by something else: set EMULATOR_URL to a free port (e.g. http://localhost:${emulatorPort + 1}).`);
      }
      startChild("emulators", process.execPath, [resolve("node_modules/tsx/dist/cli.mjs"), "emulators/main.ts"], {
        ...process.env,
        EMULATOR_PORT: String(emulatorPort),
        APP_URL: env.APP_URL,
      });
      await waitForUrl(`${env.EMULATOR_URL}/_emulator/health`);
    }
    console.log(
      `[mailkit] local mode: ${[env.dodoLocal && "Dodo Payments", env.resendLocal && "Resend"].filter(Boolean).join(" and ")} → emulators at ${env.EMULATOR_URL}`,
    );
    console.log(`[mailkit] inbox (sign-in links): ${env.EMULATOR_URL}/inbox · emulator admin: ${env.EMULATOR_URL}/`);
  }

  if (env.dodoLocal) {
    const { ensureCatalog } = await import("@/lib/dodo/catalog");
    const { getDodo } = await import("@/lib/dodo/client");
    const catalog = await ensureCatalog(getDodo());
    if (catalog.created.length) console.log(`[mailkit] created in the Dodo emulator: ${catalog.created.join(", ")}`);
  }

  // Apply migrations here, then close: an embedded PGlite directory may be open in one process only.
  const { openDatabase } = await import("@/lib/db/client");
  const { migrate } = await import("@/lib/db/migrate");
  const database = openDatabase(env.database);
  const result = await migrate(database);
  await database.close();
  if (result.applied.length) console.log(`[mailkit] applied migrations: ${result.applied.join(", ")}`);
  console.log(
    `[mailkit] database: ${env.database.kind === "postgres" ? "PostgreSQL" : `embedded PGlite in ${env.database.dataDir}`}`,
  );

  const next = resolve("node_modules/next/dist/bin/next");
  startChild("next", process.execPath, [next, mode, "--port", String(port)], {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
  });
  console.log(`[mailkit] starting Next.js (${mode}) on port ${port}…`);
  // "ready" only once a page can be served (a first `next dev` compile can take a while).
  await waitForUrl(`http://localhost:${port}/api/health`, 300_000);
  console.log(`[mailkit] ready: MailKit on ${env.APP_URL}`);
}

function fail(message: string): never {
  console.error(`✖ ${message}`);
  process.exit(1);
}

/** MailKit's emulators answering at `url` (their health check names them), or null. */
async function runningEmulators(url: string): Promise<{ appUrl: string } | null> {
  try {
    const response = await fetch(`${url}/_emulator/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { service?: string; appUrl?: string };
    return response.ok && body.service === "mailkit-emulators" ? { appUrl: body.appUrl ?? "" } : null;
  } catch {
    return null;
  }
}
