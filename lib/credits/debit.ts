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
  const { entitlementId } = await getCatalog();
  try {
    const entry = await getDodo().creditEntitlements.balances.createLedgerEntry(
      job.customerId,
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
    await db.$transaction(async (tx) => {
      await completeJob(tx, job.id, { ledgerEntryId: entry.id, balanceAfter: toCredits(entry.balance_after) });
      await markDebitPosted(tx, job.customerId!);
    });
  } catch (error) {
    // A 4xx other than a conflict or rate limit will not get better by retrying: keep it for a person.
    const permanent =
      error instanceof DodoPayments.APIError &&
      typeof error.status === "number" &&
      error.status >= 400 &&
      error.status < 500 &&
      ![408, 409, 429].includes(error.status);
    await failJob(job, error, { permanent });
    if (permanent) console.error(`[outbox] Dodo refused debit ${payload.idempotencyKey}: ${(error as Error).message}`);
  }
}
