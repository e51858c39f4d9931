// Runs once when a server instance starts: fail fast on bad configuration, apply pending migrations,
// and start the in-process outbox worker (Dodo debits, notification emails).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { getEnv } = await import("@/lib/env");
  try {
    getEnv();
  } catch (error) {
    console.error(`\n✖ ${(error as Error).message}\n`);
    process.exit(1);
  }
  const { ensureMigrated } = await import("@/lib/db");
  await ensureMigrated();
  const { startBackgroundWork } = await import("@/lib/background");
  startBackgroundWork();
}
