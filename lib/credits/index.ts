import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo, isNotFound, toCredits } from "@/lib/dodo/client";
import type { Tx } from "@/lib/outbox";

/**
 * MailKit's view of each customer's Email Credits: the admission gate for sends.
 *
 * Dodo holds the billing record and the balance people see. Asking Dodo on every send would be slow and
 * racy (check → send → debit lets two sends spend the last credit), so MailKit keeps a local account:
 *   balance  = Dodo's balance − MailKit debits not yet posted to Dodo (pending outbox jobs)
 *   reserved = credits held by sends in flight
 * A send is admitted by one conditional UPDATE (balance − reserved ≥ cost), which PostgreSQL serialises per
 * row — with one instance or many. After Resend accepts, the hold is captured and a Dodo debit is queued in
 * the same transaction; if Resend refuses, the hold is released.
 */

export const LOW_BALANCE_PERCENT = 20;

export type AdmissionResult = { admitted: true; available: number } | { admitted: false; available: number };

type AccountRow = { balance: number; reserved: number };

/** Creates the account for a customer (idempotent). */
export async function ensureCreditAccount(userId: string, customerId: string) {
  return db.creditAccount.upsert({ where: { customerId }, update: {}, create: { customerId, userId } });
}

/** Holds `cost` credits if they are available, atomically. Run it inside the transaction that records the send. */
export async function reserveCredits(
  tx: Tx,
  customerId: string,
  cost: number,
  reference: string,
): Promise<AdmissionResult> {
  if (!Number.isInteger(cost) || cost <= 0) throw new Error(`Invalid cost ${cost}`);
  const rows = await tx.$queryRawUnsafe<AccountRow[]>(
    `UPDATE "CreditAccount" SET "reserved" = "reserved" + $2, "updatedAt" = now()
     WHERE "customerId" = $1 AND "balance" - "reserved" >= $2
     RETURNING "balance", "reserved"`,
    customerId,
    cost,
  );
  const row = rows[0];
  if (!row) {
    const account = await tx.creditAccount.findUnique({ where: { customerId } });
    return { admitted: false, available: account ? Math.max(0, account.balance - account.reserved) : 0 };
  }
  await tx.creditEntry.create({
    data: {
      customerId,
      kind: "reserve",
      amount: cost,
      balanceAfter: row.balance,
      reservedAfter: row.reserved,
      reference,
      idempotencyKey: `reserve:${reference}`,
    },
  });
  return { admitted: true, available: row.balance - row.reserved };
}

/** Turns a hold into a spend (the email went out). Idempotent per reference. */
export async function captureCredits(tx: Tx, customerId: string, cost: number, reference: string): Promise<number> {
  return moveHold(tx, customerId, cost, reference, "capture");
}

/** Gives a hold back (the email was definitely not sent). Idempotent per reference. */
export async function releaseCredits(tx: Tx, customerId: string, cost: number, reference: string): Promise<number> {
  return moveHold(tx, customerId, cost, reference, "release");
}

async function moveHold(
  tx: Tx,
  customerId: string,
  cost: number,
  reference: string,
  kind: "capture" | "release",
): Promise<number> {
  const key = `${kind}:${reference}`;
  if (await tx.creditEntry.findUnique({ where: { idempotencyKey: key } })) {
    const account = await tx.creditAccount.findUniqueOrThrow({ where: { customerId } });
    return account.balance - account.reserved;
  }
  const balanceChange = kind === "capture" ? cost : 0;
  const rows = await tx.$queryRawUnsafe<AccountRow[]>(
    `UPDATE "CreditAccount" SET "reserved" = "reserved" - $2, "balance" = "balance" - $3, "updatedAt" = now()
     WHERE "customerId" = $1 RETURNING "balance", "reserved"`,
    customerId,
    cost,
    balanceChange,
  );
  const row = rows[0];
  if (!row) throw new Error(`No credit account for ${customerId}`);
  await tx.creditEntry.create({
    data: {
      customerId,
      kind,
      amount: -cost, // capture: off the balance; release: off the hold
      balanceAfter: row.balance,
      reservedAfter: row.reserved,
      reference,
      idempotencyKey: key,
    },
  });
  return row.balance - row.reserved;
}

/**
 * Credits MailKit spent that Dodo has not recorded: queued debits, and debits Dodo refused ("dead", kept
 * for a person to resolve). Counting the refused ones means an email that went out is never given back
 * as spendable credit by the next sync.
 */
export async function pendingDebits(tx: Tx, customerId: string): Promise<number> {
  const result = await tx.outboxJob.aggregate({
    where: { customerId, kind: "dodo.debit", status: { in: ["pending", "dead"] } },
    _sum: { credits: true },
  });
  return result._sum.credits ?? 0;
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
    const result = await db.$transaction(async (tx) => {
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
      return { synced: true, dodoBalance, balance, available: balance - account.reserved };
    });
    if (result) return result;
    if (attempt >= attempts) {
      const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId } });
      return { synced: false, dodoBalance, balance: account.balance, available: account.balance - account.reserved };
    }
  }
}

/** For webhook handlers: a sync that could not settle is an error, so the webhook is retried. */
export async function syncCreditsOrThrow(customerId: string, reason: string): Promise<SyncResult> {
  const result = await syncCreditsFromDodo(customerId, reason);
  if (!result.synced) throw new Error(`Credits of ${customerId} kept changing during the sync; retry later`);
  return result;
}

/** Dodo's live balance; a customer who was never granted anything has no balance yet (404) → 0. */
export async function readDodoBalance(customerId: string, entitlementId?: string): Promise<number> {
  const id = entitlementId ?? (await getCatalog()).entitlementId;
  try {
    const balance = await getDodo().creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: id });
    return toCredits(balance.balance);
  } catch (error) {
    if (isNotFound(error)) return 0;
    throw error;
  }
}

/** The low-balance line: 20% of the plan's per-cycle allowance (null without a plan). */
export function lowBalanceThreshold(allowance: number): number | null {
  return allowance > 0 ? Math.floor((allowance * LOW_BALANCE_PERCENT) / 100) : null;
}
