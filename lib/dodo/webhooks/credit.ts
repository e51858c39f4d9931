import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { recordLowBalance } from "@/lib/billing/low-balance";
import { requestCreditSync, syncIfRequested } from "@/lib/credits";
import { debitIdInReason } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";

import type { Receipt } from "./index";

type CreditEvent = Extract<UnwrapWebhookEvent, { type: `credit.${string}` }>;
type LedgerEntry = Extract<CreditEvent, { type: "credit.deducted" }>["data"];

/**
 * credit.added / deducted / expired / rolled_over / manual_adjustment / balance_low …: rather than applying
 * each event's delta (events come twice and out of order), MailKit re-reads the customer's balance from Dodo.
 * The re-read is requested in the transaction that records the webhook and runs right after it (or, if it
 * cannot settle now, in the credit-sync loop), so a webhook never fails because MailKit is busy sending.
 * MailKit's own debits come back as credit.deducted too: they are already in MailKit's view, so they cost no
 * Dodo read at all.
 */
export async function handleCreditEvent(event: UnwrapWebhookEvent, receipt: Receipt): Promise<string | undefined> {
  const data = (event as CreditEvent).data;
  const { entitlementId } = await getCatalog();
  if (data.credit_entitlement_id !== entitlementId) {
    await db.webhookReceipt.create({ data: receipt });
    return `not MailKit's credit entitlement (${data.credit_entitlement_id})`;
  }
  const customerId = data.customer_id;
  const account = await db.creditAccount.findUnique({ where: { customerId } });
  if (!account) {
    await db.webhookReceipt.create({ data: receipt });
    return `no MailKit user for customer ${customerId}`;
  }
  const ledgerEvent = event.type === "credit.deducted" || event.type === "credit.manual_adjustment";
  if (ledgerEvent && (await isOwnDebit(data as LedgerEntry, customerId))) {
    await db.webhookReceipt.create({ data: receipt });
    return "MailKit's own debit";
  }

  if (event.type === "credit.balance_low") {
    // The warning compares against MailKit's view, so bring it up to date first (best effort).
    await db.$transaction((tx) => requestCreditSync(tx, customerId));
    await syncIfRequested(customerId);
    await db.$transaction(async (tx) => {
      await tx.webhookReceipt.create({ data: receipt });
      await recordLowBalance(tx, customerId, receipt.id);
    });
    return undefined;
  }
  await db.$transaction(async (tx) => {
    await tx.webhookReceipt.create({ data: receipt });
    await requestCreditSync(tx, customerId);
  });
  await syncIfRequested(customerId);
  return undefined;
}

/** A debit MailKit posted: its ledger entry id was recorded, or its reason names one of the customer's debits. */
async function isOwnDebit(entry: LedgerEntry, customerId: string): Promise<boolean> {
  if (entry.is_credit) return false;
  const byEntry = await db.creditDebit.count({ where: { ledgerEntryId: entry.id, customerId } });
  if (byEntry > 0) return true;
  const debitId = debitIdInReason(entry.description) ?? stringOf(entry.metadata?.mailkit_debit_id);
  if (!debitId) return false;
  return (await db.creditDebit.count({ where: { id: debitId, customerId } })) > 0;
}

function stringOf(value: unknown): string | null {
  return typeof value === "string" ? value : null;
}
