import { PRODUCT } from "@/lib/catalog/product";
import { markDebitPosted, requestCreditSync, syncIfRequested } from "@/lib/credits";
import { postLedgerEntry } from "@/lib/credits/ledger";
import { db } from "@/lib/db";
import { completeJob, failJob, type ClaimedJob } from "@/lib/outbox";
import { isOpen } from "@/lib/mail/status";

/**
 * Posts a credit-back to Dodo: one `credit` ledger entry per email, under the idempotency key recorded with the
 * CreditBack row before any call (`mailkit-credit-back/<sendId>`), so a repeated webhook, a retried job or a
 * second instance never credits twice. Retried with the outbox's backoff until Dodo answers.
 *
 * Coalesced debits: the email's own debit may not be cut or posted yet. That does not matter to the credit —
 * Dodo's ledger is a sum, and MailKit's view is `Dodo's balance − pending debits`, so the credit (once posted)
 * and the debit (whenever it posts) each count once. MailKit's CreditAccount then follows through a sync from
 * Dodo's live balance, requested in the transaction that records the credit as done (never by adding a delta,
 * which a concurrent sync could count twice).
 *
 * An email that never reached `sent` (MailKit released its hold: status `failed`) was never charged: its
 * credit-back is voided instead. One still being settled (queued/unknown) waits for its acceptance.
 */

export const CREDIT_BACK_JOB = "dodo.credit_back";

export function creditBackKey(sendId: string): string {
  return `mailkit-credit-back/${sendId}`;
}

/** The ledger entry's reason: names the email (as MailKit's debits name theirs). */
export function creditBackReason(back: { sendId: string; credits: number; reason: string }): string {
  const credits = `${back.credits} credit${back.credits === 1 ? "" : "s"}`;
  return `MailKit: ${credits} back, email ${back.reason} (email ${back.sendId})`;
}

export async function postCreditBack(job: ClaimedJob): Promise<void> {
  const sendId = (job.payload as { sendId?: string } | null)?.sendId ?? "";
  const back = await db.creditBack.findUnique({ where: { sendId } });
  if (!back || back.status !== "pending") {
    await db.$transaction((tx) => completeJob(tx, job));
    return;
  }
  const send = await db.emailSend.findUnique({ where: { id: sendId }, select: { status: true } });
  if (!send || send.status === "failed") {
    await db.$transaction(async (tx) => {
      if (await completeJob(tx, job))
        await tx.creditBack.updateMany({
          where: { sendId, status: "pending" },
          data: { status: "void", completedAt: new Date() },
        });
    });
    return;
  }
  if (isOpen(send.status)) {
    await failJob(job, new Error("waiting for the email's acceptance to be recorded"), { retryForever: true });
    return;
  }

  const outcome = await postLedgerEntry({
    operation: "credit_back",
    customerId: back.customerId,
    entryType: "credit",
    credits: back.credits,
    idempotencyKey: back.idempotencyKey,
    reason: creditBackReason(back),
    // Like every grant, it expires; derived from the row so a retried request has the very same body.
    expiresAt: new Date(back.createdAt.getTime() + PRODUCT.credits.expiresAfterDays * 86_400_000).toISOString(),
    metadata: { mailkit_credit_back: sendId },
  });
  if (outcome.kind === "failed") {
    // A request Dodo will never take (unknown customer, invalid) is kept as dead for a person; the rest retry.
    if (outcome.permanent)
      await db.creditBack.updateMany({ where: { sendId, status: "pending" }, data: { status: "dead" } });
    await failJob(job, outcome.error, { permanent: outcome.permanent, retryForever: true });
    return;
  }
  const ledgerEntryId = outcome.kind === "posted" ? outcome.entry.id : null;
  const done = await db.$transaction(async (tx) => {
    if (!(await completeJob(tx, job))) return false;
    await tx.creditBack.updateMany({
      where: { sendId, status: "pending" },
      data: { status: "done", ledgerEntryId, completedAt: new Date() },
    });
    await markDebitPosted(tx, back.customerId);
    await requestCreditSync(tx, back.customerId);
    return true;
  });
  if (done) await syncIfRequested(back.customerId);
}
