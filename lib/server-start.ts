import { startBackgroundWork } from "@/lib/background";
import { ensureMigrated } from "@/lib/db";
import { ConfigError, getEnv } from "@/lib/env";

/** Fail fast on bad configuration, apply pending migrations, start the in-process background work. */
export async function onServerStart(): Promise<void> {
  try {
    getEnv();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n✖ ${error.message}\n`);
    process.exit(1);
  }
  await ensureMigrated();
  startBackgroundWork();
}
