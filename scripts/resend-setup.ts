/**
 * npm run resend:setup — creates or updates MailKit's webhook in Resend (idempotent: finds it by its endpoint,
 * <APP_URL>/api/webhooks/resend) with exactly the events MailKit needs: delivered, delivery_delayed, bounced,
 * complained, failed, suppressed, domain.* (+ opened/clicked while a customer endpoint subscribes to them).
 * Not email.sent: MailKit knows an email was sent when Resend's API answers, and tells customers itself.
 * With RESEND_API_KEY it talks to your Resend team (a full-access key); without, to the emulator.
 */
import { loadDotEnv } from "./lib/dotenv";

loadDotEnv();
const { getEnv } = await import("@/lib/env");
const { DatabaseInUseError, openDatabase } = await import("@/lib/db/client");
const { migrate } = await import("@/lib/db/migrate");
const { syncPlatformWebhook, platformWebhookEndpoint } = await import("@/lib/resend/webhook-subscription");

const env = getEnv();
const target = env.resendLocal ? `the local emulator (${env.resend.baseURL})` : "Resend";
console.log(`Setting up MailKit's webhook in ${target}: ${platformWebhookEndpoint()}`);
let code = 0;
let database: ReturnType<typeof openDatabase> | undefined;
try {
  // Customers' endpoints decide whether opened/clicked are needed.
  database = openDatabase(env.database);
  await migrate(database);
  const result = await syncPlatformWebhook({ prisma: database.prisma });
  console.log(`Events: ${result.events.join(", ")}`);
  if (result.action === "unchanged") console.log("The webhook already had exactly these events: nothing changed.");
  else console.log(`Webhook ${result.id} ${result.action}.`);
  if (result.signingSecret && result.signingSecret !== env.resend.webhookSecret) {
    // Shown once, as Resend's own create response does, for the operator to store.
    console.log("\nIts signing secret differs from RESEND_WEBHOOK_SECRET; put this in .env and restart MailKit:");
    console.log(`RESEND_WEBHOOK_SECRET=${result.signingSecret}`);
  }
} catch (error) {
  code = 1;
  console.error(`✖ ${(error as Error).message}`);
  if (error instanceof DatabaseInUseError)
    console.error("Stop MailKit first (its embedded database serves one process), or use DATABASE_URL=postgres….");
  else if (env.resendLocal)
    console.error("Is the emulator running? Start it with `npm run emulators` (or `npm run dev`).");
} finally {
  await database?.close().catch(() => undefined);
}
process.exit(code);
