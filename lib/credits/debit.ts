import DodoPayments from "dodopayments";
import { z } from "zod";

import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo, toCredits } from "@/lib/dodo/client";
import { completeJob, failJob, type ClaimedJob } from "@/lib/outbox";

import { markDebitPosted } from "./index";

export const DODO_DEBIT_JOB = "dodo.debit";

export const debitPayload = z.object({
  /** Dodo's ledger idempotency key: the Resend message id, so a retried job never debits twice. */
  idempotencyKey: z.string().min(1),
  reason: z.string(),
  sendId: z.string(),
});
export type DebitPayload = z.infer<typeof debitPayload>;

/**
 * Outbox handler: posts one MailKit debit to Dodo's ledger. Dodo replays a repeated idempotency_key, so a
 * job that ran before a crash (debit written, job not yet marked done) is harmless when it runs again.
 */
export async function postDodoDebit(job: ClaimedJob): Promise<void> {
  const payload = debitPayload.parse(job.payload);
  if (!job.customerId || !job.credits) throw new Error(`Debit job ${job.id} has no customer or amount`);
  const customerId = job.customerId;
  const { entitlementId } = await getCatalog();
  // Invalidate any balance sync already under way: Dodo's balance may change under it from here on.
  await markDebitPosted(db, customerId);
  try {
    const entry = await getDodo().creditEntitlements.balances.createLedgerEntry(
      customerId,
      {
        credit_entitlement_id: entitlementId,
        entry_type: "debit",
        amount: String(job.credits),
        idempotency_key: payload.idempotencyKey,
        reason: payload.reason,
        metadata: { mailkit_send_id: payload.sendId },
      },
      { maxRetries: 0 }, // the outbox retries with its own backoff
    );
    await finish(job, customerId, { ledgerEntryId: entry.id, balanceAfter: toCredits(entry.balance_after) });
  } catch (error) {
    // Dodo documents 409 for a key it already has: the debit was recorded by an earlier attempt whose
    // answer was lost. That is success.
    if (error instanceof DodoPayments.ConflictError) {
      await finish(job, customerId, { alreadyRecorded: true });
      return;
    }
    // Only a request Dodo will never accept is final (e.g. 400 insufficient balance). Auth errors,
    // rate limits and outages are retried for as long as it takes: a debit is never dropped.
    const permanent = error instanceof DodoPayments.APIError && [400, 404, 422].includes(Number(error.status));
    await failJob(job, error, { permanent, retryForever: true });
    if (permanent) console.error(`[outbox] Dodo refused debit ${payload.idempotencyKey}: ${(error as Error).message}`);
  }
}

async function finish(job: ClaimedJob, customerId: string, result: Record<string, string | number | boolean>) {
  await db.$transaction(async (tx) => {
    if (await completeJob(tx, job, result)) await markDebitPosted(tx, customerId);
  });
}
