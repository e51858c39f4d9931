/**
 * The server Playwright starts: a production build of MailKit and the emulators, on their own ports and
 * on fresh state (embedded PGlite and emulator state under .data/e2e), never touching your dev data.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

import { launch } from "./lib/launch";

const appPort = Number(process.env.E2E_APP_PORT ?? 3100);
const emulatorPort = Number(process.env.E2E_EMULATOR_PORT ?? 4110);

rmSync(".data/e2e", { recursive: true, force: true });
Object.assign(process.env, {
  NODE_ENV: "production",
  APP_URL: `http://localhost:${appPort}`,
  EMULATOR_URL: `http://localhost:${emulatorPort}`,
  PGLITE_DIR: ".data/e2e/pglite",
  EMULATOR_STATE_DIR: ".data/e2e/emulators",
  NEXT_TELEMETRY_DISABLED: "1",
  // Every browser in the suite signs in from 127.0.0.1, and some test users sign in many times in one run.
  SIGNIN_LINKS_PER_CLIENT_PER_HOUR: "10000",
  SIGNIN_LINKS_PER_ADDRESS_PER_HOUR: "10000",
  // The access log of every page and asset would bury a failing test's own lines; warnings and errors stay.
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
});
// Local mode only: real keys in the environment would make the tests talk to real services.
for (const key of [
  "DATABASE_URL",
  "DODO_PAYMENTS_API_KEY",
  "DODO_PAYMENTS_WEBHOOK_KEY",
  "DODO_PAYMENTS_BASE_URL",
  "RESEND_API_KEY",
  "RESEND_BASE_URL",
  "RESEND_WEBHOOK_SECRET",
  "AUTH_SECRET",
]) {
  delete process.env[key];
}

if (!process.env.E2E_SKIP_BUILD) {
  const build = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], {
    stdio: "inherit",
    env: process.env,
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await launch("start", appPort);
