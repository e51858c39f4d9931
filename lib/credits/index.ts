import { PRODUCT } from "@/lib/catalog/product";
import { db, type Tx } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo, isNotFound, toCredits } from "@/lib/dodo/client";
import { logger } from "@/lib/runtime/log";
import { metrics } from "@/lib/metrics";

/**
 * MailKit's view of each customer's Email Credits: the admission gate for sends.
 *
 * Dodo holds the billing record and the balance people see. Asking Dodo on every send would be slow and
 * racy (check → send → debit lets two sends spend the last credit), so MailKit keeps a local account:
 *   balance  = Dodo's balance − credits MailKit spent that Dodo has not recorded yet (pendingDebits)
 *   reserved = credits held by sends waiting for Resend
 * Sends are admitted by one conditional UPDATE (balance − reserved ≥ cost, lib/sending/admission.ts), which
 * PostgreSQL serialises per row — with one instance or many. When Resend accepts, the dispatcher captures the
 * hold and queues the send for a coalesced Dodo debit (lib/credits/debits.ts); if Resend refuses, it releases.
 */

export const LOW_BALANCE_PERCENT = PRODUCT.plan.lowBalancePercent;

/** Credits a customer can spend now: MailKit's balance minus what sends in flight hold (never negative). */
export function availableOf(account: { balance: number; reserved: number } | null | undefined): number {
  return account ? Math.max(0, account.balance - account.reserved) : 0;
}

/** Statuses in which a plan still renews. */
export const LIVE_PLAN_STATUSES = ["active", "on_hold", "pending", "past_due"];

/** Whether the customer has a live plan (read on a refused send only: the 402 then says what to do). */
export async function hasLivePlan(customerId: string): Promise<boolean> {
  return (await db.subscription.count({ where: { customerId, status: { in: LIVE_PLAN_STATUSES } } })) > 0;
}

/** Creates the account for a customer (idempotent). */
export async function ensureCreditAccount(userId: string, customerId: string) {
  return db.creditAccount.upsert({ where: { customerId }, update: {}, create: { customerId, userId } });
}

/**
 * Credits MailKit spent that Dodo has not recorded: accepted sends not yet in a debit, debits not yet posted,
 * and debits Dodo refused ("dead", kept for a person to resolve). Counting the refused ones means an email
 * that went out is never given back as spendable credit by the next sync.
 */
export async function pendingDebits(tx: Tx, customerId: string): Promise<number> {
  const [unbilled, debits] = await Promise.all([
    tx.unbilledSend.aggregate({ where: { customerId }, _sum: { credits: true } }),
    tx.creditDebit.aggregate({ where: { customerId, status: { in: ["pending", "dead"] } }, _sum: { credits: true } }),
  ]);
  return (unbilled._sum.credits ?? 0) + (debits._sum.credits ?? 0);
}

/**
 * Bumps the debit version: before a debit is posted to Dodo and again when it is recorded as done, so a
 * balance sync that overlapped either moment is discarded and retried.
 */
export async function markDebitPosted(tx: Tx | typeof db, customerId: string): Promise<void> {
  await tx.creditAccount.updateMany({ where: { customerId }, data: { debitVersion: { increment: 1 } } });
}

export type SyncResult = { synced: boolean; dodoBalance: number; balance: number; available: number };

/**
 * Re-reads the customer's balance from Dodo and resets MailKit's view to it (minus pending debits).
 * Discarded and retried if a MailKit debit reached Dodo meanwhile (debitVersion changed), so a debit is
 * never counted twice or not at all. Also re-arms the low-balance warning once the balance recovers.
 */
export async function syncCreditsFromDodo(customerId: string, reason: string, attempts = 3): Promise<SyncResult> {
  const { entitlementId } = await getCatalog();
  for (let attempt = 1; ; attempt++) {
    const before = await db.creditAccount.findUnique({ where: { customerId } });
    if (!before) throw new Error(`No credit account for ${customerId}`);

    const dodoBalance = await readDodoBalance(customerId, entitlementId);
    const result = await db.$transaction(
      async (tx) => {
        const locked = await tx.$queryRawUnsafe<
          { debitVersion: number; balance: number; reserved: number; allowance: number }[]
        >(
          `SELECT "debitVersion", "balance", "reserved", "allowance" FROM "CreditAccount" WHERE "customerId" = $1 FOR UPDATE`,
          customerId,
        );
        const account = locked[0]!;
        if (account.debitVersion !== before.debitVersion) return null;
        const balance = dodoBalance - (await pendingDebits(tx, customerId));
        const threshold = lowBalanceThreshold(account.allowance);
        await tx.creditAccount.update({
          where: { customerId },
          data: {
            balance,
            syncedAt: new Date(),
            ...(threshold !== null && balance >= threshold ? { lowBalanceSince: null } : {}),
          },
        });
        await rearmBalanceLines(tx, customerId);
        if (balance !== account.balance) {
          await tx.creditEntry.create({
            data: {
              customerId,
              kind: "sync",
              amount: balance - account.balance,
              balanceAfter: balance,
              reservedAfter: account.reserved,
              reference: reason,
            },
          });
        }
        return { synced: true, dodoBalance, balance, available: availableOf({ balance, reserved: account.reserved }) };
      },
      { maxWait: 20_000, timeout: 20_000 },
    );
    if (result) return result;
    if (attempt >= attempts) {
      const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
      return { synced: false, dodoBalance, balance: account.balance, available: availableOf(account) };
    }
  }
}

const REARM_SQL = `
UPDATE "CreditAccount" a SET
  "autoTopUpArmed" = a."autoTopUpArmed" OR (a."balance" - a."reserved" >= a."autoTopUpThreshold"
    AND NOT EXISTS (SELECT 1 FROM "AutoTopUp" t WHERE t."customerId" = a."customerId" AND t."status" IN ('pending', 'charging'))),
  "alertSince" = CASE WHEN a."alertThreshold" IS NULL OR a."balance" - a."reserved" >= a."alertThreshold" THEN NULL
                      ELSE a."alertSince" END
WHERE a."customerId" = $1 AND (NOT a."autoTopUpArmed" OR a."alertSince" IS NOT NULL)`;

/**
 * Re-arms the owner's own lines (auto top-up, alert threshold; lib/billing) once the balance is back at them. Run by
 * every sync, so credits that arrive and are spent again between two passes of the balance watch still count as a
 * recovery, and the next drop is a new crossing. An auto top-up still charging keeps its crossing disarmed.
 */
export async function rearmBalanceLines(tx: Tx | typeof db, customerId: string): Promise<void> {
  await tx.$executeRawUnsafe(REARM_SQL, customerId);
}

// ---- coalesced syncs ------------------------------------------------------------------------------------------

export const CREDIT_SYNC_LOOP = "credit-syncs";

/**
 * Asks for a re-sync of the customer's credits (in the transaction that records a Dodo credit webhook). The
 * sync loop runs it; many requests before it runs cost one Dodo read, and a webhook never fails because the
 * customer's debits kept the sync from settling: the request simply stays until a sync gets through.
 */
export async function requestCreditSync(tx: Tx, customerId: string): Promise<void> {
  await tx.creditAccount.updateMany({ where: { customerId }, data: { syncRequestedAt: new Date() } });
}

/** Runs the requested syncs (one Dodo read per customer). Returns how many customers were synced. */
export async function runRequestedSyncs(limit = 20): Promise<number> {
  const due = await db.creditAccount.findMany({
    where: { syncRequestedAt: { not: null } },
    select: { customerId: true },
    orderBy: { syncRequestedAt: "asc" },
    take: limit,
  });
  let synced = 0;
  for (const { customerId } of due) if (await syncIfRequested(customerId)) synced++;
  return synced;
}

/**
 * Runs the customer's requested sync now, if one is requested. Never throws: a sync that fails or cannot settle
 * (debits kept landing) stays requested for the loop. Returns whether it synced.
 */
export async function syncIfRequested(customerId: string): Promise<boolean> {
  const account = await db.creditAccount.findUnique({ where: { customerId }, select: { syncRequestedAt: true } });
  if (!account?.syncRequestedAt) return false;
  try {
    const result = await syncCreditsFromDodo(customerId, "requested by a Dodo credit event");
    if (!result.synced) return false;
    // Cleared only if no newer request came in while this sync ran.
    await db.creditAccount.updateMany({
      where: { customerId, syncRequestedAt: account.syncRequestedAt },
      data: { syncRequestedAt: null },
    });
    return true;
  } catch (error) {
    logger("credits").error({ customerId, err: error }, "credit sync failed");
    return false;
  }
}

/** Dodo's live balance; a customer who was never granted anything has no balance yet (404) → 0. */
export async function readDodoBalance(customerId: string, entitlementId?: string): Promise<number> {
  const id = entitlementId ?? (await getCatalog()).entitlementId;
  try {
    const balance = await getDodo().creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: id });
    metrics.dodoCalls.inc({ operation: "balance", outcome: "ok" });
    return toCredits(balance.balance);
  } catch (error) {
    if (isNotFound(error)) {
      metrics.dodoCalls.inc({ operation: "balance", outcome: "ok" });
      return 0;
    }
    metrics.dodoCalls.inc({ operation: "balance", outcome: "error" });
    throw error;
  }
}

/** The low-balance line: 20% of the plan's per-cycle allowance (null without a plan). */
export function lowBalanceThreshold(allowance: number): number | null {
  return allowance > 0 ? Math.floor((allowance * LOW_BALANCE_PERCENT) / 100) : null;
}
