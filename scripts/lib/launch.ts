import { resolve } from "node:path";

import type { Env } from "@/lib/env";

import { planEmulators } from "./emulators";
import { isPortBusy } from "./ports";
import { startChild, waitForUrl } from "./processes";
import { registerResendWebhook } from "./resend-webhook";

/**
 * Starts MailKit: the local emulators when a service has no keys (local mode) — or reuses the ones already
 * running at EMULATOR_URL — the catalog in the emulator, pending migrations, then Next.js; "ready" is printed
 * once the app answers. Busy ports, or an embedded database another instance holds, stop it before anything
 * starts, with a one-line hint.
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
    fail(
      `Port ${port} is already in use: choose another with PORT=${port + 1} or \`npm run ${mode === "dev" ? "dev" : "start"} -- -p ${port + 1}\`.`,
    );
  }

  // An embedded PGlite directory serves one process (see lib/db/client.ts): a second instance on it — typically
  // one that would reuse the first one's emulators — stops here with the reason, before anything starts.
  const { DatabaseInUseError, openDatabase, pgliteDirHolder } = await import("@/lib/db/client");
  if (env.database.kind === "pglite" && env.database.dataDir) {
    const holder = pgliteDirHolder(env.database.dataDir);
    if (holder !== null) fail(new DatabaseInUseError(resolve(env.database.dataDir), holder).message);
  }

  if (env.dodoLocal || env.resendLocal) {
    const plan = await planEmulators(env.EMULATOR_URL);
    if (plan.action === "busy") {
      fail(
        `Port ${plan.port} of EMULATOR_URL=${env.EMULATOR_URL} is in use by something else: set EMULATOR_URL to a free port (e.g. http://localhost:${plan.port + 1}).`,
      );
    }
    if (plan.action === "reuse") {
      console.log(`[mailkit] reusing the emulators already running at ${env.EMULATOR_URL}`);
      if (plan.appUrl !== env.APP_URL.replace(/\/$/, ""))
        console.log(`[mailkit] note: ${webhooksNote(plan.appUrl, env)}`);
    } else {
      startChild("emulators", process.execPath, [resolve("node_modules/tsx/dist/cli.mjs"), "emulators/main.ts"], {
        ...process.env,
        EMULATOR_PORT: String(plan.port),
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
  const { migrate } = await import("@/lib/db/migrate");
  let database;
  try {
    database = openDatabase(env.database);
  } catch (error) {
    // Taken since the check above (two instances starting at once): the same one line, not a stack.
    if (error instanceof DatabaseInUseError) fail(error.message);
    throw error;
  }
  const result = await migrate(database);
  if (env.resendLocal) await registerResendWebhook(database.prisma);
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

/** Where the reused emulators deliver webhooks, and what that means for this instance. */
function webhooksNote(appUrl: string, env: Env): string {
  const where = `they deliver webhooks to ${appUrl} (the app that started them), not ${env.APP_URL}`;
  return env.database.kind === "postgres"
    ? `${where}: that is fine, as any instance over the same PostgreSQL processes them.`
    : `${where}: with the embedded database, payments and email events reach only that app; give this instance its own EMULATOR_URL (or run it at ${appUrl}) to receive them.`;
}
