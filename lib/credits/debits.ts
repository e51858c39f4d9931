import { createHash, randomUUID } from "node:crypto";

import { db } from "@/lib/db";
import { toCredits } from "@/lib/dodo/client";
import { logger } from "@/lib/runtime/log";
import { backoffMs } from "@/lib/outbox";
import { getTuning, TX_OPTIONS } from "@/lib/runtime/tuning";

import { markDebitPosted } from "./index";
import { postLedgerEntry } from "./ledger";

/**
 * Coalesced Dodo debits. Each send Resend accepted waits in UnbilledSend; per customer, once the oldest has
 * waited `debitFlushAfterMs` or `debitFlushCredits` have gathered, one transaction cuts a CreditDebit covering
 * them: its idempotency key is derived from the set of sends and recorded before any call. Posting repeats that
 * key until Dodo answers, so every accepted send is debited exactly once across crashes, lost answers and
 * instances. MailKit's view already counted these credits as spent at capture; Dodo catches up here.
 */

export const DEBITS_LOOP = "debits";
const MAX_SENDS_PER_DEBIT = 5_000;
const LEASE_MS = 30_000;
/** The debit's reason in Dodo's ledger names how many emails it covers and MailKit's debit id. */
export function debitReason(debit: { id: string; emails: number; credits: number }): string {
  const emails = `${debit.emails} email${debit.emails === 1 ? "" : "s"}`;
  return `MailKit: ${emails}, ${debit.credits} credit${debit.credits === 1 ? "" : "s"} (debit ${debit.id})`;
}

/** The MailKit debit id a ledger entry's reason names (for recognising MailKit's own debits in webhooks). */
export function debitIdInReason(reason: string | null | undefined): string | null {
  return reason ? (/\(debit ([0-9a-f-]{36})\)$/.exec(reason)?.[1] ?? null) : null;
}

/** One pass: cut the debits that are due, then post the pending ones. Returns how much work it did. */
export async function debitPass(options: { force?: boolean } = {}): Promise<number> {
  const cut = await cutDueDebits(options);
  const posted = await postPendingDebits();
  return cut + posted;
}

const DUE_CUSTOMERS_SQL = `
SELECT "customerId" FROM "UnbilledSend" GROUP BY "customerId"
HAVING $1::boolean OR min("acceptedAt") <= now() - $2 * interval '1 millisecond' OR sum("credits") >= $3
LIMIT 100`;

const CUT_SQL = `
WITH picked AS (
  DELETE FROM "UnbilledSend" WHERE "sendId" IN (
    SELECT "sendId" FROM "UnbilledSend" WHERE "customerId" = $1 ORDER BY "acceptedAt" LIMIT $2 FOR UPDATE SKIP LOCKED)
  RETURNING "sendId", "credits")
SELECT coalesce(array_agg("sendId" ORDER BY "sendId"), '{}') AS "sendIds", coalesce(sum("credits"), 0)::int AS "credits"
FROM picked`;

/** Cuts one debit per customer that is due. Returns how many debits it cut. */
export async function cutDueDebits(options: { force?: boolean } = {}): Promise<number> {
  const config = getTuning();
  const due = await db.$queryRawUnsafe<{ customerId: string }[]>(
    DUE_CUSTOMERS_SQL,
    options.force ?? false,
    config.debitFlushAfterMs,
    config.debitFlushCredits,
  );
  let cut = 0;
  for (const { customerId } of due) {
    const created = await db.$transaction(async (tx) => {
      const [picked] = await tx.$queryRawUnsafe<{ sendIds: string[]; credits: number }[]>(
        CUT_SQL,
        customerId,
        MAX_SENDS_PER_DEBIT,
      );
      if (!picked || picked.sendIds.length === 0) return false;
      const id = randomUUID();
      const key = createHash("sha256").update(picked.sendIds.join(",")).digest("hex").slice(0, 48);
      await tx.creditDebit.create({
        data: {
          id,
          customerId,
          credits: picked.credits,
          emails: picked.sendIds.length,
          idempotencyKey: `mailkit-debit/${key}`,
        },
      });
      await tx.emailSend.updateMany({ where: { id: { in: picked.sendIds } }, data: { debitId: id } });
      return true;
    }, TX_OPTIONS);
    if (created) cut++;
  }
  return cut;
}

type ClaimedDebit = {
  id: string;
  customerId: string;
  credits: number;
  emails: number;
  idempotencyKey: string;
  attempts: number;
  lockedUntil: Date;
};

const CLAIM_DEBITS_SQL = `
UPDATE "CreditDebit" SET "lockedUntil" = now() + $2 * interval '1 millisecond', "attempts" = "attempts" + 1
WHERE "id" IN (
  SELECT "id" FROM "CreditDebit"
  WHERE "status" = 'pending' AND "runAt" <= now() AND ("lockedUntil" IS NULL OR "lockedUntil" < now())
  ORDER BY "runAt" LIMIT $1
  FOR UPDATE SKIP LOCKED)
RETURNING "id", "customerId", "credits", "emails", "idempotencyKey", "attempts", "lockedUntil"`;

/** Posts the pending debits to Dodo (leased, so two instances never post one at once). Returns how many. */
export async function postPendingDebits(limit = 20): Promise<number> {
  const debits = await db.$queryRawUnsafe<ClaimedDebit[]>(CLAIM_DEBITS_SQL, limit, LEASE_MS);
  await Promise.all(debits.map(postDebit));
  return debits.length;
}

async function postDebit(debit: ClaimedDebit): Promise<void> {
  const outcome = await postLedgerEntry({
    operation: "debit",
    customerId: debit.customerId,
    entryType: "debit",
    credits: debit.credits,
    idempotencyKey: debit.idempotencyKey,
    reason: debitReason(debit),
    metadata: { mailkit_debit_id: debit.id, emails: String(debit.emails) },
  });
  if (outcome.kind === "posted")
    return finish(debit, { ledgerEntryId: outcome.entry.id, balanceAfter: toCredits(outcome.entry.balance_after) });
  if (outcome.kind === "replayed") return finish(debit, {});
  // A debit Dodo will never accept (e.g. 400 insufficient balance) is kept as dead and still counted as spent, for a
  // person to resolve; anything else is retried forever.
  const message = (outcome.error as Error).message.slice(0, 2000);
  await db.creditDebit.updateMany({
    where: { id: debit.id, status: "pending", lockedUntil: debit.lockedUntil },
    data: {
      status: outcome.permanent ? "dead" : "pending",
      lastError: message,
      lockedUntil: null,
      runAt: new Date(Date.now() + backoffMs(debit.attempts)),
    },
  });
  if (outcome.permanent)
    logger("debits").error({ debitId: debit.id, credits: debit.credits, reason: message }, "Dodo refused a debit");
}

async function finish(debit: ClaimedDebit, result: { ledgerEntryId?: string; balanceAfter?: number }): Promise<void> {
  await db.$transaction(async (tx) => {
    const { count } = await tx.creditDebit.updateMany({
      where: { id: debit.id, status: "pending", lockedUntil: debit.lockedUntil },
      data: { status: "done", completedAt: new Date(), lockedUntil: null, lastError: null, ...result },
    });
    if (count === 1) await markDebitPosted(tx, debit.customerId);
  }, TX_OPTIONS);
}

/** Cuts and posts everything unbilled now, whatever its age (tests and scripts). */
export async function flushAllDebits(maxPasses = 20): Promise<void> {
  for (let pass = 0; pass < maxPasses; pass++) {
    if ((await debitPass({ force: true })) === 0) return;
  }
}
