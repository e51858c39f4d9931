import DodoPayments from "dodopayments";
import type { BalanceCreateLedgerEntryResponse } from "dodopayments/resources/credit-entitlements/balances";

import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo } from "@/lib/dodo/client";
import { metrics } from "@/lib/metrics";

import { markDebitPosted } from "./index";

/**
 * One MailKit entry on a customer's Dodo credit ledger (a coalesced debit, a credit-back), under the idempotency
 * key its caller recorded before the first attempt. What Dodo's answer means is decided here, once:
 *  - `posted`: Dodo recorded it now;
 *  - `replayed`: Dodo answered 409 for a key it already has (an earlier attempt landed and its answer was lost);
 *  - `failed`: anything else; `permanent` when Dodo will never accept it (400/404/422: kept for a person), else the
 *    caller retries with its own backoff (outages, auth errors, 429s).
 */
export type LedgerPosting = {
  operation: "debit" | "credit_back";
  customerId: string;
  entryType: "debit" | "credit";
  credits: number;
  idempotencyKey: string;
  reason: string;
  metadata: Record<string, string>;
  expiresAt?: string;
};

export type LedgerOutcome =
  | { kind: "posted"; entry: BalanceCreateLedgerEntryResponse }
  | { kind: "replayed" }
  | { kind: "failed"; permanent: boolean; error: unknown };

export async function postLedgerEntry(posting: LedgerPosting): Promise<LedgerOutcome> {
  const { entitlementId } = await getCatalog();
  // Invalidate any balance sync already under way: Dodo's balance may change under it from here on.
  await markDebitPosted(db, posting.customerId);
  const count = (outcome: string) => metrics.dodoCalls.inc({ operation: posting.operation, outcome });
  try {
    const entry = await getDodo().creditEntitlements.balances.createLedgerEntry(
      posting.customerId,
      {
        credit_entitlement_id: entitlementId,
        entry_type: posting.entryType,
        amount: String(posting.credits),
        idempotency_key: posting.idempotencyKey,
        reason: posting.reason,
        metadata: posting.metadata,
        ...(posting.expiresAt ? { expires_at: posting.expiresAt } : {}),
      },
      { maxRetries: 0 }, // the caller retries with its own backoff
    );
    count("ok");
    return { kind: "posted", entry };
  } catch (error) {
    // Checked by status as well as class: a bundler can load the SDK's error classes twice.
    const status = Number((error as { status?: unknown }).status);
    if (error instanceof DodoPayments.ConflictError || status === 409) {
      count("replayed");
      return { kind: "replayed" };
    }
    count("error");
    return { kind: "failed", permanent: [400, 404, 422].includes(status), error };
  }
}
