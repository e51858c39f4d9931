import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { recordLowBalance } from "@/lib/billing/low-balance";
import { requestCreditSync, syncIfRequested } from "@/lib/credits";
import { debitIdInReason } from "@/lib/credits/debits";
import { db, type Tx } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import type { EventHandler, HandlerTable } from "@/lib/inbound/inbox";

import { dodoCreditEventShape } from "./shapes";

type CreditEvent = Extract<UnwrapWebhookEvent, { type: `credit.${string}` }>;
type LedgerEntry = Extract<CreditEvent, { type: "credit.deducted" }>["data"];

/**
 * credit.added / deducted / expired / rolled_over / manual_adjustment …: rather than applying each event's delta
 * (events come twice and out of order), MailKit re-reads the customer's balance from Dodo. The re-read is
 * requested in the transaction that records the webhook and runs right after it (or, if it cannot settle now, in
 * the credit-sync loop), so a webhook never fails because MailKit is busy sending. MailKit's own debits come back
 * as credit.deducted too: they are already in MailKit's view, so they cost no Dodo read at all.
 */
const resyncBalance: EventHandler<CreditEvent> = {
  shape: dodoCreditEventShape,
  async prepare() {
    await getCatalog(); // the entitlement id (cached) before the transaction
  },
  async apply(event, tx) {
    const notOurs = await notMailKits(event, tx);
    if (notOurs) return { ignored: notOurs };
    const customerId = event.data.customer_id;
    if (event.type === "credit.deducted" || event.type === "credit.manual_adjustment") {
      if (await isOwnDebit(event.data, customerId, tx)) return { outcome: "recorded" };
    }
    await requestCreditSync(tx, customerId);
    return { after: () => syncIfRequested(customerId).then(() => undefined) };
  },
};

/**
 * credit.balance_low: show the banner and email the owner. The warning compares against MailKit's view, so the
 * balance is brought up to date first (best effort, before the receipt: if this fails, Dodo retries).
 */
const warnLowBalance: EventHandler<Extract<CreditEvent, { type: "credit.balance_low" }>> = {
  shape: dodoCreditEventShape,
  async prepare(event) {
    const customerId = event.data.customer_id;
    await getCatalog();
    if (!(await db.creditAccount.count({ where: { customerId } }))) return;
    await db.$transaction((tx) => requestCreditSync(tx, customerId));
    await syncIfRequested(customerId);
  },
  async apply(event, tx, receiptId) {
    const notOurs = await notMailKits(event, tx);
    if (notOurs) return { ignored: notOurs };
    const warned = await recordLowBalance(tx, event.data.customer_id, receiptId);
    return { outcome: warned === "warned" ? "applied" : "recorded" };
  },
};

/** Why a credit event is not about MailKit's credits of one of its customers; undefined when it is. */
async function notMailKits(event: CreditEvent, tx: Tx): Promise<string | undefined> {
  const { entitlementId } = await getCatalog();
  if (event.data.credit_entitlement_id !== entitlementId)
    return `not MailKit's credit entitlement (${event.data.credit_entitlement_id})`;
  const account = await tx.creditAccount.count({ where: { customerId: event.data.customer_id } });
  return account ? undefined : `no MailKit user for customer ${event.data.customer_id}`;
}

/** A debit MailKit posted: its ledger entry id was recorded, or its reason names one of the customer's debits. */
async function isOwnDebit(entry: LedgerEntry, customerId: string, tx: Tx): Promise<boolean> {
  if (entry.is_credit) return false;
  const byEntry = await tx.creditDebit.count({ where: { ledgerEntryId: entry.id, customerId } });
  if (byEntry > 0) return true;
  const debitId = debitIdInReason(entry.description) ?? stringOf(entry.metadata?.mailkit_debit_id);
  if (!debitId) return false;
  return (await tx.creditDebit.count({ where: { id: debitId, customerId } })) > 0;
}

function stringOf(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}

export const creditEvents: HandlerTable<CreditEvent> = {
  "credit.added": resyncBalance,
  "credit.deducted": resyncBalance,
  "credit.expired": resyncBalance,
  "credit.rolled_over": resyncBalance,
  "credit.rollover_forfeited": resyncBalance,
  "credit.manual_adjustment": resyncBalance,
  "credit.overage_charged": resyncBalance,
  "credit.overage_reset": resyncBalance,
  "credit.balance_low": warnLowBalance,
};
