import { db, type Tx } from "@/lib/db";
import { availableOf, lowBalanceThreshold } from "@/lib/credits";
import { sendLowBalanceEmail } from "@/lib/emails/send";
import { getEnv } from "@/lib/env";
import { completeJob, enqueue, type ClaimedJob } from "@/lib/outbox";
import { emitCreditBalanceLow } from "@/lib/webhooks/emit";

import { BILLING_TX } from "./transactions";

export const LOW_BALANCE_EMAIL_JOB = "email.low_balance";

/**
 * Dodo's credit.balance_low: show the banner and email the owner, once per downward crossing.
 * The flag is cleared (re-armed) by a sync that sees the balance back at the threshold. A late event that
 * arrives after a top-up already lifted the balance changes nothing.
 */
export async function recordLowBalance(
  tx: Tx,
  customerId: string,
  eventKey: string,
): Promise<"warned" | "already-warned" | "not-low"> {
  const account = await tx.creditAccount.findUnique({ where: { customerId } });
  if (!account) return "not-low";
  const threshold = lowBalanceThreshold(account.allowance);
  const available = availableOf(account);
  if (threshold === null || available >= threshold) return "not-low";
  if (account.lowBalanceSince) return "already-warned";
  await tx.creditAccount.update({ where: { customerId }, data: { lowBalanceSince: new Date() } });
  await enqueue(tx, {
    kind: LOW_BALANCE_EMAIL_JOB,
    key: `low-balance/${customerId}/${eventKey}`,
    customerId,
    payload: { customerId },
  });
  await emitCreditBalanceLow(tx, account.userId, {
    available,
    threshold,
    allowance: account.allowance,
    topUpUrl: `${getEnv().APP_URL}/dashboard/billing#top-up`,
  });
  return "warned";
}

/** Outbox job: the warning email, with the job key as Resend's idempotency key. */
export async function sendLowBalanceWarning(job: ClaimedJob): Promise<void> {
  const customerId = job.customerId!;
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId }, include: { user: true } });
  const env = getEnv();
  await sendLowBalanceEmail(
    account.user.email,
    {
      available: availableOf(account),
      threshold: lowBalanceThreshold(account.allowance) ?? 0,
      allowance: account.allowance,
      topUpUrl: `${env.APP_URL}/dashboard/billing#top-up`,
    },
    job.key,
  );
  await db.$transaction(async (tx) => {
    await completeJob(tx, job);
    await tx.creditAccount.update({ where: { customerId }, data: { lowBalanceEmailedAt: new Date() } });
  }, BILLING_TX);
}

/** What the banner needs: null when there is nothing to warn about. */
export async function getLowBalanceNotice(userId: string): Promise<{ available: number } | null> {
  const account = await db.creditAccount.findUnique({ where: { userId } });
  if (!account?.lowBalanceSince) return null;
  return { available: availableOf(account) };
}
