/**
 * A separate OS process standing in for a second app instance for the auto top-up tests: MailKit's own sending
 * and balance-watch code against the test's PostgreSQL (DATABASE_URL) and emulators (EMULATOR_URL).
 * Protocol (stdio): prints "ready", waits for "go", then sends MAILKIT_WORKER_COUNT one-recipient emails at once
 * while running the balance watch after every admission, drains the billing jobs, prints one JSON line and exits.
 */
import { createInterface } from "node:readline";

import { balanceWatchPass, registerBillingJobs } from "@/lib/billing/background";
import { getDatabase } from "@/lib/db";
import { drainJobs } from "@/lib/outbox/worker";
import { InsufficientCreditsError, sendEmails } from "@/lib/sending";

const userId = process.env.MAILKIT_WORKER_USER_ID ?? "";
const customerId = process.env.MAILKIT_WORKER_CUSTOMER_ID ?? "";
const count = Number(process.env.MAILKIT_WORKER_COUNT ?? "25");
const label = process.env.MAILKIT_WORKER_LABEL ?? "worker";

async function main() {
  registerBillingJobs();
  await getDatabase().prisma.$queryRawUnsafe("SELECT 1");
  console.log("ready");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();

  const results = await Promise.allSettled(
    Array.from({ length: count }, async (_, i) => {
      await sendEmails({ userId, customerId, source: "api" }, [
        {
          from: "Acme <hello@acme.test>",
          to: [`${label}-${i}@example.com`],
          cc: [],
          bcc: [],
          replyTo: [],
          subject: `From ${label}`,
          text: "Hi",
        },
      ]);
      await balanceWatchPass();
    }),
  );
  await balanceWatchPass();
  await drainJobs(["billing.auto_top_up"]);
  const errors = results.flatMap((r) =>
    r.status === "rejected" && !(r.reason instanceof InsufficientCreditsError) ? [String(r.reason)] : [],
  );
  console.log(JSON.stringify({ pid: process.pid, sent: results.filter((r) => r.status === "fulfilled").length, errors }));
  await getDatabase().close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
