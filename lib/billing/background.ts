import { db } from "@/lib/db";
import { registerJobHandler } from "@/lib/outbox/worker";

import { checkOwnThreshold, sendThresholdWarning, THRESHOLD_EMAIL_JOB } from "./alerts";
import {
  AUTO_TOP_UP_JOB,
  AUTO_TOP_UP_OFF_EMAIL_JOB,
  checkAutoTopUp,
  runAutoTopUp,
  sendAutoTopUpOffNotice,
} from "./auto-top-up";
import { EXPIRY_EMAIL_JOB, sendExpiryWarning } from "./expiry";
import { LOW_BALANCE_EMAIL_JOB, sendLowBalanceWarning } from "./low-balance";

export const BALANCE_WATCH_LOOP = "balance-watch";

/**
 * Accounts whose balance is on the wrong side of one of their own lines (auto top-up or alert threshold), in
 * either direction: a crossing to act on or a line to re-arm. Reads only accounts with an automation on (a
 * partial index), so customers without one cost nothing.
 */
const WATCHED_SQL = `
SELECT a."customerId" FROM "CreditAccount" a
WHERE (a."autoTopUpEnabled" OR a."alertThreshold" IS NOT NULL) AND (
  (a."autoTopUpEnabled" AND a."autoTopUpArmed" AND a."balance" - a."reserved" < a."autoTopUpThreshold")
  OR (a."autoTopUpEnabled" AND NOT a."autoTopUpArmed" AND a."balance" - a."reserved" >= a."autoTopUpThreshold"
      AND NOT EXISTS (SELECT 1 FROM "AutoTopUp" t
                      WHERE t."customerId" = a."customerId" AND t."status" IN ('pending', 'charging')))
  OR (a."alertThreshold" IS NOT NULL AND (a."alertSince" IS NULL) = (a."balance" - a."reserved" < a."alertThreshold")))
LIMIT $1`;

/** One pass of the balance watch. Returns how many customers had something to do (the loop runs again at once). */
export async function balanceWatchPass(limit = 200): Promise<number> {
  const due = await db.$queryRawUnsafe<{ customerId: string }[]>(WATCHED_SQL, limit);
  for (const { customerId } of due) {
    await checkOwnThreshold(customerId);
    await checkAutoTopUp(customerId);
  }
  return due.length;
}

/** The billing jobs the outbox runs (registered by lib/background.ts). */
export function registerBillingJobs(): void {
  registerJobHandler(LOW_BALANCE_EMAIL_JOB, sendLowBalanceWarning);
  registerJobHandler(AUTO_TOP_UP_JOB, runAutoTopUp);
  registerJobHandler(AUTO_TOP_UP_OFF_EMAIL_JOB, sendAutoTopUpOffNotice);
  registerJobHandler(THRESHOLD_EMAIL_JOB, sendThresholdWarning);
  registerJobHandler(EXPIRY_EMAIL_JOB, sendExpiryWarning);
}
