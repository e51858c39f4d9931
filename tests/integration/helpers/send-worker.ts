/**
 * A separate OS process running MailKit's send pipeline against the same PostgreSQL database as the test
 * (DATABASE_URL) and the test's emulators (EMULATOR_URL) — a second "app instance" without Next.js.
 * Protocol (stdio): prints "ready", waits for "go" on stdin (so both processes fire at once), sends
 * MAILKIT_WORKER_COUNT emails in parallel, drains the outbox (debits; leased across processes), prints one
 * JSON line with the outcome and exits.
 */
import { createInterface } from "node:readline";

import { getDatabase } from "@/lib/db";
import { drainJobs } from "@/lib/outbox/worker";
import { InsufficientCreditsError, sendEmails } from "@/lib/sending";

const userId = process.env.MAILKIT_WORKER_USER_ID!;
const customerId = process.env.MAILKIT_WORKER_CUSTOMER_ID!;
const count = Number(process.env.MAILKIT_WORKER_COUNT ?? "25");
const label = process.env.MAILKIT_WORKER_LABEL ?? "worker";

async function main() {
  // Open the pool before the barrier, so both processes start sending at the same moment.
  await getDatabase().prisma.$queryRawUnsafe("SELECT 1");
  console.log("ready");
  const lines = createInterface({ input: process.stdin });
  await new Promise<void>((resolve) => lines.once("line", () => resolve()));
  lines.close();

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
  await drainJobs();
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
