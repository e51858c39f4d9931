/**
 * npm run emulators — the local Dodo Payments + Resend emulators (started by `npm run dev` in local mode).
 * EMULATOR_PORT (4010), EMULATOR_STATE_DIR (.data/emulators), APP_URL (http://localhost:3000).
 */
import { startEmulators } from "./server";

const port = Number(process.env.EMULATOR_PORT ?? 4010);
const stateDir = process.env.EMULATOR_STATE_DIR ?? ".data/emulators";
const appUrl = process.env.APP_URL ?? "http://localhost:3000";

const emulators = await startEmulators({ port, stateDir, appUrl }).catch((error: NodeJS.ErrnoException) => {
  if (error.code !== "EADDRINUSE" && error.code !== "EACCES") throw error;
  console.error(
    `✖ Port ${port} is ${error.code === "EACCES" ? "not allowed" : "already in use"}: set EMULATOR_PORT to a free port (e.g. EMULATOR_PORT=${port + 1} npm run emulators), or EMULATOR_URL for npm run dev (e.g. EMULATOR_URL=http://localhost:${port + 1}).`,
  );
  process.exit(1);
});
console.log(
  `[emulators] Dodo Payments at ${emulators.url}/dodo · Resend at ${emulators.url}/resend · admin ${emulators.url}/ · inbox ${emulators.url}/inbox`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void emulators.close().then(() => process.exit(0));
  });
}
