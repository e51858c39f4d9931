import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { recordLowBalance } from "@/lib/billing/low-balance";
import { syncCreditsOrThrow } from "@/lib/credits";
import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";

import type { Receipt } from "./index";

type CreditEvent = Extract<UnwrapWebhookEvent, { type: `credit.${string}` }>;

/**
 * credit.added / deducted / expired / rolled_over / manual_adjustment / balance_low …: rather than applying
 * each event's delta (events come twice and out of order), re-read the customer's balance from Dodo and
 * reset MailKit's view to it. MailKit's own debits (credit.deducted) come back here too and change nothing.
 */
export async function handleCreditEvent(event: UnwrapWebhookEvent, receipt: Receipt): Promise<string | undefined> {
  const data = (event as CreditEvent).data;
  const { entitlementId } = await getCatalog();
  if (data.credit_entitlement_id !== entitlementId) {
    await db.webhookReceipt.create({ data: receipt });
    return `not MailKit's credit entitlement (${data.credit_entitlement_id})`;
  }
  const account = await db.creditAccount.findUnique({ where: { customerId: data.customer_id } });
  if (!account) {
    await db.webhookReceipt.create({ data: receipt });
    return `no MailKit user for customer ${data.customer_id}`;
  }

  await syncCreditsOrThrow(data.customer_id, `webhook:${receipt.id}`);
  await db.$transaction(async (tx) => {
    await tx.webhookReceipt.create({ data: receipt });
    if (event.type === "credit.balance_low") await recordLowBalance(tx, data.customer_id, receipt.id);
  });
  return undefined;
}
