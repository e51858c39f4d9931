import { logger } from "@/lib/runtime/log";
import { PRODUCT } from "@/lib/catalog/product";
import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo, isNotFound, toCredits } from "@/lib/dodo/client";
import { sendCreditsExpiringEmail } from "@/lib/emails/send";
import { getEnv } from "@/lib/env";
import { completeJob, enqueue, type ClaimedJob } from "@/lib/outbox";

import { BILLING_TX } from "./transactions";

/**
 * Expiry warnings: a grant with unspent credits gets one email `PRODUCT.expiryWarningDays` days before it expires.
 * The pass reads each customer with credits once an hour, and again after a balance sync (one Dodo read); the
 * CreditExpiryWarning row per grant, inserted with its email job, makes the warning once per grant across passes
 * and instances.
 */

export const EXPIRY_WARNINGS_LOOP = "expiry-warnings";
export const EXPIRY_EMAIL_JOB = "email.credits_expiring";
const RECHECK_MS = 3600_000;

/**
 * Customers to check: never checked, checked over an hour ago, or re-synced from Dodo since their last check (new
 * grants reach MailKit only through a sync, so a grant added after a check is seen at the next pass).
 */
const DUE_SQL = `
SELECT "customerId" FROM "CreditAccount"
WHERE "balance" > 0
  AND ("expiryCheckedAt" IS NULL OR "expiryCheckedAt" < $1 OR "syncedAt" > "expiryCheckedAt")
ORDER BY "expiryCheckedAt" ASC NULLS FIRST
LIMIT $2`;

export async function expiryWarningPass(limit = 20, now = new Date()): Promise<number> {
  const due = await db.$queryRawUnsafe<{ customerId: string }[]>(DUE_SQL, new Date(now.getTime() - RECHECK_MS), limit);
  let warned = 0;
  for (const { customerId } of due) {
    try {
      warned += await warnExpiringGrants(customerId, now);
    } catch (error) {
      logger("billing").error({ customerId, err: error }, "expiry check failed");
    }
  }
  return warned;
}

/** Warns about the customer's grants that expire within the warning window. Returns how many were new. */
export async function warnExpiringGrants(customerId: string, now = new Date()): Promise<number> {
  const { entitlementId } = await getCatalog();
  const grants = await getDodo()
    .creditEntitlements.balances.listGrants(customerId, {
      credit_entitlement_id: entitlementId,
      status: "active",
      page_number: 0,
      page_size: 100,
    })
    .then((page) => page.items)
    .catch((error) => (isNotFound(error) ? [] : Promise.reject(error)));
  const horizon = now.getTime() + PRODUCT.expiryWarningDays * 86_400_000;
  let warned = 0;
  for (const grant of grants) {
    const credits = toCredits(grant.remaining_amount);
    const expiresAt = grant.expires_at ? new Date(grant.expires_at) : null;
    if (!expiresAt || credits <= 0 || expiresAt.getTime() <= now.getTime() || expiresAt.getTime() > horizon) continue;
    warned += await db.$transaction(async (tx) => {
      const { count } = await tx.creditExpiryWarning.createMany({
        data: [{ grantId: grant.id, customerId, credits, expiresAt }],
        skipDuplicates: true,
      });
      if (count === 0) return 0;
      await enqueue(tx, {
        kind: EXPIRY_EMAIL_JOB,
        key: `credits-expiring/${grant.id}`,
        customerId,
        payload: { customerId, credits, expiresAt: expiresAt.toISOString() },
      });
      return 1;
    }, BILLING_TX);
  }
  await db.creditAccount.update({ where: { customerId }, data: { expiryCheckedAt: now } });
  return warned;
}

/** Outbox job: the warning email (the job key is Resend's idempotency key, so a retry sends it once). */
export async function sendExpiryWarning(job: ClaimedJob): Promise<void> {
  const { customerId, credits, expiresAt } = job.payload as { customerId: string; credits: number; expiresAt: string };
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId }, include: { user: true } });
  await sendCreditsExpiringEmail(
    account.user.email,
    { credits, expiresAt: new Date(expiresAt), sendUrl: `${getEnv().APP_URL}/dashboard/send` },
    job.key,
  );
  await db.$transaction((tx) => completeJob(tx, job), BILLING_TX);
}
