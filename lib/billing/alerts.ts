import { availableOf, rearmBalanceLines } from "@/lib/credits";
import { db } from "@/lib/db";
import { sendThresholdEmail } from "@/lib/emails/send";
import { getEnv } from "@/lib/env";
import { completeJob, enqueue, type ClaimedJob } from "@/lib/outbox";
import { emitCreditBalanceLow } from "@/lib/webhooks/emit";

import { BILLING_TX } from "./transactions";

/**
 * The owner's own low-balance line (on top of the plan's 20 %, which Dodo's credit.balance_low drives): when the
 * spendable balance crosses below it, one email to the chosen recipients and one `credit.balance_low` to the
 * customer's webhook endpoints. The conditional UPDATE that sets `alertSince` is the one winner per crossing across
 * instances; it is cleared (re-armed) when the balance is back at the line.
 */

export const THRESHOLD_EMAIL_JOB = "email.low_balance_threshold";

const CROSS_SQL = `
UPDATE "CreditAccount" SET "alertSince" = now()
WHERE "customerId" = $1 AND "alertThreshold" IS NOT NULL AND "alertSince" IS NULL
  AND "balance" - "reserved" < "alertThreshold"
RETURNING "userId", "balance", "reserved", "allowance", "alertThreshold", "alertSince"`;

type Crossed = {
  userId: string;
  balance: number;
  reserved: number;
  allowance: number;
  alertThreshold: number;
  alertSince: Date;
};

/** Checks one customer's own threshold. Returns whether this call recorded a crossing. */
export async function checkOwnThreshold(customerId: string): Promise<boolean> {
  await rearmBalanceLines(db, customerId);
  return db.$transaction(async (tx) => {
    const [row] = await tx.$queryRawUnsafe<Crossed[]>(CROSS_SQL, customerId);
    if (!row) return false;
    const available = availableOf(row);
    await enqueue(tx, {
      kind: THRESHOLD_EMAIL_JOB,
      key: `low-balance-threshold/${customerId}/${row.alertSince.toISOString()}`,
      customerId,
      payload: { customerId, available, threshold: row.alertThreshold },
    });
    await emitCreditBalanceLow(tx, row.userId, {
      available,
      threshold: row.alertThreshold,
      allowance: row.allowance,
      topUpUrl: `${getEnv().APP_URL}/dashboard/billing#top-up`,
    });
    return true;
  }, BILLING_TX);
}

/** Outbox job: the email to the owner's chosen recipients (the account's own address when none are set). */
export async function sendThresholdWarning(job: ClaimedJob): Promise<void> {
  const { customerId, available, threshold } = job.payload as {
    customerId: string;
    available: number;
    threshold: number;
  };
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId }, include: { user: true } });
  const to = account.alertRecipients.length ? account.alertRecipients : [account.user.email];
  await sendThresholdEmail(to, { available, threshold, billingUrl: `${getEnv().APP_URL}/dashboard/billing` }, job.key);
  await db.$transaction((tx) => completeJob(tx, job), BILLING_TX);
}
