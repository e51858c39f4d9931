import { resolve } from "node:path";

import { startChild, waitForUrl } from "./processes";

/**
 * Starts MailKit: the local emulators when a service has no keys (local mode), the catalog in the
 * emulator, pending migrations, then Next.js. Shared by `npm run dev`, `npm start` and the e2e server.
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

  if (env.dodoLocal || env.resendLocal) {
    const emulatorPort = new URL(env.EMULATOR_URL).port || "4010";
    startChild("emulators", process.execPath, [resolve("node_modules/tsx/dist/cli.mjs"), "emulators/main.ts"], {
      ...process.env,
      EMULATOR_PORT: emulatorPort,
      APP_URL: env.APP_URL,
    });
    await waitForUrl(`${env.EMULATOR_URL}/_emulator/health`);
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
  console.log(`[mailkit] MailKit on ${env.APP_URL}`);
}
