import { PRODUCT } from "@/lib/catalog/product";
import { availableOf, rearmBalanceLines, requestCreditSync } from "@/lib/credits";
import { db, type Tx } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";
import { sendAutoTopUpOffEmail } from "@/lib/emails/send";
import { getEnv } from "@/lib/env";
import { completeJob, enqueue, failJob, type ClaimedJob } from "@/lib/outbox";

import { BILLING_TX } from "./transactions";

/**
 * Auto top-up: when a customer's spendable credits cross below their threshold, MailKit buys their chosen number of
 * Top-Up Packs on the payment method Dodo saved for them (a checkout session with `confirm: true` and
 * `payment_method_id`, which Dodo charges at once and follows with payment.* and credit.added like any purchase).
 *
 * Exactly once per crossing: the pass that sees the crossing disarms the account with one conditional UPDATE (one
 * winner across instances) and writes attempt 1 of crossing N, whose unique key (customer, crossing, attempt)
 * refuses a second. The account is re-armed only once the balance is back at the threshold with no charge in
 * flight. A declined charge is retried once; three declines in a row turn auto top-up off and email the owner.
 */

export const AUTO_TOP_UP_JOB = "billing.auto_top_up";
export const AUTO_TOP_UP_OFF_EMAIL_JOB = "email.auto_top_up_off";

const settings = { retryDelayMs: 10_000 };
/** Tests shorten the wait before the one retry of a declined charge. */
export function configureAutoTopUp(patch: Partial<typeof settings>): void {
  Object.assign(settings, patch);
}

const IN_FLIGHT = ["pending", "charging"];

/** Packs the customer's auto top-ups bought or are buying this calendar month (UTC): what the cap counts. */
export async function packsThisMonth(tx: Tx | typeof db, customerId: string, now = new Date()): Promise<number> {
  const monthStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const sum = await tx.autoTopUp.aggregate({
    where: { customerId, status: { in: [...IN_FLIGHT, "succeeded"] }, createdAt: { gte: monthStart } },
    _sum: { packs: true },
  });
  return sum._sum.packs ?? 0;
}

const CROSS_SQL = `
UPDATE "CreditAccount" SET "autoTopUpArmed" = false, "autoTopUpCrossings" = "autoTopUpCrossings" + 1
WHERE "customerId" = $1 AND "autoTopUpEnabled" AND "autoTopUpArmed" AND "balance" - "reserved" < "autoTopUpThreshold"
RETURNING "autoTopUpCrossings" AS "crossing", "autoTopUpPacks" AS "packs", "autoTopUpMonthlyCap" AS "cap"`;

/**
 * Checks one customer: starts a top-up if the balance crossed below the threshold (returns its crossing number), or
 * re-arms once the balance is back. Safe to run from every instance at once.
 */
export async function checkAutoTopUp(customerId: string): Promise<number | null> {
  await rearmBalanceLines(db, customerId);
  return db.$transaction(async (tx) => {
    const crossed = await tx.$queryRawUnsafe<{ crossing: number; packs: number; cap: number }[]>(CROSS_SQL, customerId);
    const row = crossed[0];
    if (!row) return null;
    const capped = (await packsThisMonth(tx, customerId)) + row.packs > row.cap;
    const attempt = await tx.autoTopUp.create({
      data: {
        customerId,
        crossing: row.crossing,
        attempt: 1,
        packs: row.packs,
        status: capped ? "capped" : "pending",
        error: capped
          ? `Monthly cap of ${row.cap} pack${row.cap === 1 ? "" : "s"} reached: nothing was charged.`
          : null,
      },
    });
    if (!capped) await enqueueCharge(tx, attempt.id, customerId);
    return row.crossing;
  }, BILLING_TX);
}

function enqueueCharge(tx: Tx, attemptId: string, customerId: string, runAt?: Date) {
  return enqueue(tx, {
    kind: AUTO_TOP_UP_JOB,
    key: `auto-top-up/${attemptId}`,
    customerId,
    payload: { attemptId },
    runAt,
  });
}

/** Outbox job: charges one attempt. Never charges twice: a run that finds the attempt "charging" looks for its payment. */
export async function runAutoTopUp(job: ClaimedJob): Promise<void> {
  const attemptId = (job.payload as { attemptId: string }).attemptId;
  const attempt = await db.autoTopUp.findUnique({ where: { id: attemptId } });
  if (!attempt || !IN_FLIGHT.includes(attempt.status))
    return void (await db.$transaction((tx) => completeJob(tx, job), BILLING_TX));
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId: attempt.customerId } });
  const dodo = getDodo();

  let paymentId = attempt.paymentId ?? (attempt.status === "charging" ? await findPayment(attempt) : null);
  if (!paymentId) {
    if (!account.autoTopUpEnabled) return settle(job, attempt.id, { ok: false, error: "Auto top-up was turned off." });
    // A retry runs later than its crossing: credits bought meanwhile by other means end the need for it.
    if (attempt.attempt > 1 && availableOf(account) >= account.autoTopUpThreshold)
      return settle(job, attempt.id, {
        ok: false,
        skipped: true,
        error: "Not needed: the balance was back above the threshold.",
      });
    const method = await savedMethod(attempt.customerId);
    if (!method) return settle(job, attempt.id, { ok: false, error: "No saved payment method." });
    await db.autoTopUp.update({ where: { id: attempt.id }, data: { status: "charging" } });
    const { topUpProductId } = await getCatalog();
    const session = await dodo.checkoutSessions.create({
      product_cart: [{ product_id: topUpProductId, quantity: attempt.packs }],
      customer: { customer_id: attempt.customerId },
      payment_method_id: method,
      confirm: true,
      metadata: { mailkit_user_id: account.userId, mailkit_checkout: "auto_top_up", mailkit_auto_top_up: attempt.id },
    });
    paymentId = session.payment_id ?? null;
    if (!paymentId) throw new Error("Dodo did not return a payment for the auto top-up");
    await db.autoTopUp.update({ where: { id: attempt.id }, data: { paymentId } });
  }
  const payment = await dodo.payments.retrieve(paymentId);
  if (payment.status === "succeeded") return settle(job, attempt.id, { ok: true, paymentId });
  if (payment.status === "failed" || payment.status === "cancelled")
    return settle(job, attempt.id, {
      ok: false,
      paymentId,
      error: payment.error_message ?? "The charge was declined.",
    });
  await failJob(job, new Error(`payment ${paymentId} is ${payment.status}`), { retryForever: true });
}

/** The payment an interrupted run may have made, looked up by the attempt id in its metadata. */
async function findPayment(attempt: { id: string; customerId: string }): Promise<string | null> {
  const page = await getDodo().payments.list({ customer_id: attempt.customerId, page_number: 0, page_size: 100 });
  return page.items.find((p) => p.metadata?.mailkit_auto_top_up === attempt.id)?.payment_id ?? null;
}

/** The payment method Dodo saved for the customer (the most recently used one that allows recurring charges). */
export async function savedMethod(customerId: string): Promise<string | null> {
  const { items } = await getDodo().customers.retrievePaymentMethods(customerId);
  const usable = items.filter((m) => m.recurring_enabled !== false);
  usable.sort((a, b) => (b.last_used_at ?? "").localeCompare(a.last_used_at ?? ""));
  return usable[0]?.payment_method_id ?? null;
}

type Outcome = { ok: true; paymentId: string } | { ok: false; paymentId?: string; error: string; skipped?: boolean };

/** Records an attempt's outcome once (conditional on it still being in flight), with the retry or the turn-off. */
async function settle(job: ClaimedJob, attemptId: string, outcome: Outcome): Promise<void> {
  await db.$transaction(async (tx) => {
    await completeJob(tx, job);
    const { count } = await tx.autoTopUp.updateMany({
      where: { id: attemptId, status: { in: IN_FLIGHT } },
      data: outcome.ok
        ? { status: "succeeded", paymentId: outcome.paymentId, error: null }
        : {
            status: outcome.skipped ? "skipped" : "failed",
            paymentId: outcome.paymentId ?? null,
            error: outcome.error.slice(0, 500),
          },
    });
    if (count === 0 || (!outcome.ok && outcome.skipped)) return;
    const attempt = await tx.autoTopUp.findUniqueOrThrow({ where: { id: attemptId } });
    const customerId = attempt.customerId;
    if (outcome.ok) {
      await tx.creditAccount.update({ where: { customerId }, data: { autoTopUpFailures: 0 } });
      await requestCreditSync(tx, customerId); // credit.added asks too; whichever comes first
      return;
    }
    const account = await tx.creditAccount.update({
      where: { customerId },
      data: { autoTopUpFailures: { increment: 1 } },
    });
    if (account.autoTopUpFailures >= PRODUCT.autoTopUp.failuresToDisable) {
      await tx.creditAccount.update({
        where: { customerId },
        data: {
          autoTopUpEnabled: false,
          autoTopUpOffReason: `Turned off after ${account.autoTopUpFailures} declined charges in a row (${outcome.error})`,
        },
      });
      await enqueue(tx, {
        kind: AUTO_TOP_UP_OFF_EMAIL_JOB,
        key: `auto-top-up-off/${attempt.id}`,
        customerId,
        payload: { customerId, failures: account.autoTopUpFailures, reason: outcome.error },
      });
      return;
    }
    if (attempt.attempt === 1) {
      const retry = await tx.autoTopUp.create({
        data: { customerId, crossing: attempt.crossing, attempt: 2, packs: attempt.packs },
      });
      await enqueueCharge(tx, retry.id, customerId, new Date(Date.now() + settings.retryDelayMs));
    }
  }, BILLING_TX);
}

/** Outbox job: tells the owner auto top-up is off (the job key is Resend's idempotency key: sent once). */
export async function sendAutoTopUpOffNotice(job: ClaimedJob): Promise<void> {
  const { customerId, failures, reason } = job.payload as { customerId: string; failures: number; reason: string };
  const account = await db.creditAccount.findUniqueOrThrow({ where: { customerId }, include: { user: true } });
  await sendAutoTopUpOffEmail(
    account.user.email,
    { failures, reason, available: availableOf(account), billingUrl: `${getEnv().APP_URL}/dashboard/billing` },
    job.key,
  );
  await db.$transaction((tx) => completeJob(tx, job), BILLING_TX);
}

/** The billing page's history: every attempt, newest first. */
export function autoTopUpHistory(customerId: string, take = 20) {
  return db.autoTopUp.findMany({ where: { customerId }, orderBy: [{ createdAt: "desc" }, { attempt: "desc" }], take });
}
