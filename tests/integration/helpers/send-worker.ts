/**
 * A separate OS process running MailKit's sending code against the same PostgreSQL database as the test
 * (DATABASE_URL) and the test's emulators (EMULATOR_URL) — a second "app instance" without Next.js.
 * Protocol (stdio): prints "ready", waits for "go" on stdin (so several processes start at once), then:
 *   MAILKIT_WORKER_MODE=send (default): sends MAILKIT_WORKER_COUNT emails in parallel, delivers and bills
 *     what is queued (dispatcher and debits are leased across processes), prints one JSON line and exits;
 *   MAILKIT_WORKER_MODE=dispatch: runs the dispatcher until nothing is queued (or until it is killed), prints
 *     one JSON line and exits.
 * MAILKIT_WORKER_RESEND_RATE sets the platform-wide Resend budget (calls per second), MAILKIT_WORKER_BATCH the
 * emails per call, MAILKIT_WORKER_TIMEOUT_MS the Resend timeout.
 */
import { createInterface } from "node:readline";

import { flushAllDebits } from "@/lib/credits/debits";
import { getDatabase } from "@/lib/db";
import { InsufficientCreditsError, sendEmails } from "@/lib/sending";
import { configureTuning } from "@/lib/runtime/tuning";
import { drainDispatcher } from "@/lib/sending/dispatcher";

const userId = process.env.MAILKIT_WORKER_USER_ID ?? "";
const customerId = process.env.MAILKIT_WORKER_CUSTOMER_ID ?? "";
const count = Number(process.env.MAILKIT_WORKER_COUNT ?? "25");
const label = process.env.MAILKIT_WORKER_LABEL ?? "worker";
const mode = process.env.MAILKIT_WORKER_MODE ?? "send";

async function main() {
  configureTuning({
    providerTimeoutMs: Number(process.env.MAILKIT_WORKER_TIMEOUT_MS ?? 2_000),
    resendRatePerSecond: Number(process.env.MAILKIT_WORKER_RESEND_RATE ?? 1_000),
    batchSize: Number(process.env.MAILKIT_WORKER_BATCH ?? 100),
  });
  // Open the pool before the barrier, so the processes start at the same moment.
  await getDatabase().prisma.$queryRawUnsafe("SELECT 1");
  console.log("ready");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();

  if (mode === "dispatch") {
    const calls = await drainDispatcher(1_000);
    console.log(JSON.stringify({ pid: process.pid, calls }));
    await getDatabase().close();
    return;
  }

  const results = await Promise.allSettled(
    Array.from({ length: count }, (_, i) =>
      sendEmails({ userId, customerId, source: "api" }, [
        {
          from: "Acme <hello@acme.test>",
          to: [`${label}-${i}@example.com`],
          cc: [],
          bcc: [],
          replyTo: [],
          subject: `From ${label}`,
          text: "Hi",
        },
      ]),
    ),
  );
  await drainDispatcher();
  await flushAllDebits();
  const sent = results.filter((r) => r.status === "fulfilled").length;
  const refused = results.filter((r) => r.status === "rejected" && r.reason instanceof InsufficientCreditsError).length;
  const errors = results.flatMap((r) =>
    r.status === "rejected" && !(r.reason instanceof InsufficientCreditsError) ? [String(r.reason)] : [],
  );
  console.log(JSON.stringify({ pid: process.pid, sent, refused, errors }));
  await getDatabase().close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
