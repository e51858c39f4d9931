import { startBackgroundWork } from "@/lib/background";
import { ensureMigrated } from "@/lib/db";
import { ConfigError, getEnv } from "@/lib/env";

/** Fail fast on bad configuration, apply pending migrations, start the in-process background work. */
export async function onServerStart(): Promise<void> {
  try {
    const env = getEnv();
    if (env.NODE_ENV === "production" && (env.dodoLocal || env.resendLocal)) {
      console.warn(
        "⚠ MailKit is running in production mode with local emulators (no Dodo/Resend keys): fine for a demo, never for real customers.",
      );
    }
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`\n✖ ${error.message}\n`);
    process.exit(1);
  }
  await ensureMigrated();
  startBackgroundWork();
}
