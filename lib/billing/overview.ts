import type { BalanceListGrantsResponse, CreditLedgerEntry } from "dodopayments/resources/credit-entitlements/balances";

import type { SessionUser } from "@/lib/auth/session";
import { availableOf, lowBalanceThreshold, syncCreditsFromDodo } from "@/lib/credits";
import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { getDodo, isNotFound, toCredits } from "@/lib/dodo/client";

import { LIVE_SUBSCRIPTION_STATUSES } from "./checkout";

export type Grant = {
  id: string;
  source: string;
  initial: number;
  remaining: number;
  createdAt: Date;
  expiresAt: Date | null;
};
export type LedgerRow = {
  id: string;
  type: string;
  amount: number;
  isCredit: boolean;
  balanceAfter: number;
  description: string;
  createdAt: Date;
};

/** Dodo's live view of the customer's credits (the source of truth people see), or why it failed. */
export type LiveCredits =
  { ok: true; balance: number; grants: Grant[]; cycleTotal: number } | { ok: false; error: string };

export type PlanSummary = {
  status: string;
  nextBillingDate: Date | null;
  cancelAtNextBillingDate: boolean;
  creditsPerCycle: number;
} | null;

export async function getPlan(userId: string): Promise<PlanSummary> {
  const subscription = await db.subscription.findFirst({
    where: { userId },
    orderBy: [{ createdAt: "desc" }],
  });
  if (!subscription) return null;
  return {
    status: subscription.status,
    nextBillingDate: subscription.nextBillingDate,
    cancelAtNextBillingDate: subscription.cancelAtNextBillingDate,
    creditsPerCycle: subscription.creditsPerCycle,
  };
}

export function hasLivePlan(plan: PlanSummary): boolean {
  return !!plan && LIVE_SUBSCRIPTION_STATUSES.includes(plan.status);
}

/**
 * Reads the balance and active grants from Dodo. A customer never granted anything has no balance (404),
 * which is an honest zero; any other failure is reported as such, never as a made-up zero.
 */
export async function getLiveCredits(user: SessionUser): Promise<LiveCredits> {
  if (!user.dodoCustomerId) return { ok: true, balance: 0, grants: [], cycleTotal: 0 };
  const customerId = user.dodoCustomerId;
  try {
    const { entitlementId } = await getCatalog();
    const dodo = getDodo();
    const [balance, grantsPage] = await Promise.all([
      dodo.creditEntitlements.balances.retrieve(customerId, { credit_entitlement_id: entitlementId }).then(
        (b) => toCredits(b.balance),
        (error) => {
          if (isNotFound(error)) return 0;
          throw error;
        },
      ),
      dodo.creditEntitlements.balances
        .listGrants(customerId, {
          credit_entitlement_id: entitlementId,
          status: "active",
          page_number: 0,
          page_size: 100,
        })
        .catch((error) => (isNotFound(error) ? { items: [] as BalanceListGrantsResponse[] } : Promise.reject(error))),
    ]);
    const grants = grantsPage.items.map(toGrant).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    return { ok: true, balance, grants, cycleTotal: grants.reduce((sum, g) => sum + g.initial, 0) };
  } catch (error) {
    console.error("[billing] live balance read failed:", (error as Error).message);
    return { ok: false, error: "We couldn't reach Dodo Payments to load your live balance. Try again in a moment." };
  }
}

export const LEDGER_PAGE_SIZE = 10;

/** One page of Dodo's credit ledger, newest first (page numbers are zero-based, like Dodo's). */
export async function getLedgerPage(
  user: SessionUser,
  page: number,
): Promise<{ ok: true; rows: LedgerRow[]; hasNext: boolean } | { ok: false; error: string }> {
  if (!user.dodoCustomerId) return { ok: true, rows: [], hasNext: false };
  try {
    const { entitlementId } = await getCatalog();
    const result = await getDodo().creditEntitlements.balances.listLedger(user.dodoCustomerId, {
      credit_entitlement_id: entitlementId,
      page_number: page,
      page_size: LEDGER_PAGE_SIZE,
    });
    return { ok: true, rows: result.items.map(toLedgerRow), hasNext: result.items.length === LEDGER_PAGE_SIZE };
  } catch (error) {
    if (isNotFound(error)) return { ok: true, rows: [], hasNext: false };
    console.error("[billing] ledger read failed:", (error as Error).message);
    return { ok: false, error: "We couldn't load your credit history from Dodo Payments." };
  }
}

/** MailKit's admission view (what sends can spend right now), refreshed from Dodo when asked. */
export async function getSendingCredits(user: SessionUser, options: { refresh?: boolean } = {}) {
  if (!user.dodoCustomerId) return { available: 0, reserved: 0, threshold: null as number | null };
  if (options.refresh) await syncCreditsFromDodo(user.dodoCustomerId, "dashboard").catch(() => undefined);
  const account = await db.creditAccount.findUnique({ where: { customerId: user.dodoCustomerId } });
  if (!account) return { available: 0, reserved: 0, threshold: null };
  return {
    available: availableOf(account),
    reserved: account.reserved,
    threshold: lowBalanceThreshold(account.allowance),
  };
}

export async function getPayments(userId: string) {
  return db.payment.findMany({ where: { userId }, orderBy: { paidAt: "desc" }, take: 10 });
}

function toGrant(g: BalanceListGrantsResponse): Grant {
  return {
    id: g.id,
    source: g.source_type,
    initial: toCredits(g.initial_amount),
    remaining: toCredits(g.remaining_amount),
    createdAt: new Date(g.created_at),
    expiresAt: g.expires_at ? new Date(g.expires_at) : null,
  };
}

const LEDGER_LABELS: Record<string, string> = {
  credit_added: "Credits added",
  credit_deducted: "Emails sent",
  credit_expired: "Credits expired",
  credit_rolled_over: "Rolled over",
  rollover_forfeited: "Rollover forfeited",
  manual_adjustment: "Manual adjustment",
  refund: "Refund",
  auto_top_up: "Auto top-up",
  overage_charged: "Overage",
  overage_reset: "Overage reset",
};

function toLedgerRow(e: CreditLedgerEntry): LedgerRow {
  return {
    id: e.id,
    type: LEDGER_LABELS[e.transaction_type] ?? e.transaction_type,
    amount: toCredits(e.amount),
    isCredit: e.is_credit,
    balanceAfter: toCredits(e.balance_after),
    description: e.description ?? "",
    createdAt: new Date(e.created_at),
  };
}
