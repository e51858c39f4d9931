import type { BalanceListGrantsResponse, CreditLedgerEntry } from "dodopayments/resources/credit-entitlements/balances";

import type { SessionUser } from "@/lib/auth/session";
import { availableOf, lowBalanceThreshold, syncCreditsFromDodo } from "@/lib/credits";
import { db } from "@/lib/db";
import { getCatalog } from "@/lib/dodo/catalog";
import { PRODUCT } from "@/lib/catalog/product";
import { getDodo, isNotFound, toCredits } from "@/lib/dodo/client";
import { logger } from "@/lib/runtime/log";

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

/**
 * Dodo's live view of the customer's credits (the source of truth people see), or why it failed. `grants` are the
 * ones with credits left; `cycleTotal` is what every unexpired grant gave (the meter's steady scale).
 */
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
      // Active and depleted grants: a grant used up still counts in the meter's scale until it expires, so the
      // denominator does not drop (and read as lost credits) the moment one grant is spent.
      Promise.all(
        (["active", "depleted"] as const).map((status) =>
          dodo.creditEntitlements.balances
            .listGrants(customerId, { credit_entitlement_id: entitlementId, status, page_number: 0, page_size: 100 })
            .then((page) => page.items)
            .catch((error) => (isNotFound(error) ? ([] as BalanceListGrantsResponse[]) : Promise.reject(error))),
        ),
      ),
    ]);
    const now = Date.now();
    const unexpired = grantsPage
      .flat()
      .map(toGrant)
      .filter((g) => !g.expiresAt || g.expiresAt.getTime() > now)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    const grants = unexpired.filter((g) => g.remaining > 0);
    return { ok: true, balance, grants, cycleTotal: unexpired.reduce((sum, g) => sum + g.initial, 0) };
  } catch (error) {
    logger("billing").error({ err: error }, "live balance read failed");
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
    logger("billing").error({ err: error }, "ledger read failed");
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
    description: describeLedgerEntry(e),
    createdAt: new Date(e.created_at),
  };
}

/**
 * What a ledger row says in people's words: the product that granted the credits (Dodo writes "Credits granted for
 * OneTime payment"), how many emails a MailKit debit covered (without its internal id), Dodo's text otherwise.
 */
export function describeLedgerEntry(
  e: Pick<CreditLedgerEntry, "transaction_type" | "description" | "reference_type" | "metadata">,
): string {
  const text = e.description ?? "";
  if (e.transaction_type === "credit_added" || e.transaction_type === "auto_top_up") {
    if (e.reference_type === "subscription") return `${PRODUCT.plan.name} credits`;
    if (e.reference_type === "payment")
      return e.metadata?.mailkit_checkout === "auto_top_up"
        ? `${PRODUCT.topUp.name} (auto top-up)`
        : PRODUCT.topUp.name;
  }
  const debit = /^MailKit: (\d+ emails?), \d+ credits? \(debit [^)]*\)$/.exec(text);
  if (debit) return `${debit[1]} sent`;
  const creditBack = /^MailKit: (.*) \(email [^)]*\)$/.exec(text);
  if (creditBack) return creditBack[1]!;
  return text;
}
