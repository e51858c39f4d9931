/**
 * The emulators for the benchmark, as their own process: like `npm run emulators` (emulators/main.ts) but
 * with in-memory state (no stateDir), so nothing is written to disk while measuring and nothing is left behind.
 * EMULATOR_PORT, APP_URL (where webhooks go), BENCH_WEBHOOKS=0 disables webhooks.
 */
import { startEmulators } from "@/emulators/server";

const port = Number(process.env.EMULATOR_PORT ?? 4610);
const appUrl = process.env.APP_URL ?? "http://localhost:3600";
const webhooks = process.env.BENCH_WEBHOOKS !== "0";

const emulators = await startEmulators({
  port,
  host: "127.0.0.1",
  appUrl,
  dodo: { settings: { webhooksEnabled: webhooks } },
  resend: webhooks ? {} : { webhookUrl: null },
});
console.log(`[emulators] in memory at ${emulators.url}, webhooks ${webhooks ? `to ${appUrl}` : "off"}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void emulators.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
