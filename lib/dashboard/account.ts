import type { SessionUser } from "@/lib/auth/session";
import { hasLivePlanInDodo } from "@/lib/billing/checkout";
import { getPlan, getSendingCredits, hasLivePlan, type PlanSummary } from "@/lib/billing/overview";
import { getCatalog } from "@/lib/dodo/catalog";

/**
 * The plan as every dashboard page should describe it. "activating" is the gap between Dodo confirming a
 * checkout and its webhooks reaching MailKit: Dodo already has a live plan (and credits), MailKit's own
 * rows not yet. Pages show one "Plan activating…" state then, instead of "no plan" next to a balance.
 */
export type PlanState =
  | { kind: "none"; plan: null }
  | { kind: "activating"; plan: PlanSummary }
  | { kind: "live"; plan: NonNullable<PlanSummary> }
  | { kind: "ended"; plan: NonNullable<PlanSummary> };

export async function getPlanState(user: SessionUser): Promise<PlanState> {
  const plan = await getPlan(user.id);
  if (plan && hasLivePlan(plan)) return { kind: "live", plan };
  if (user.dodoCustomerId && (await dodoHasLivePlan(user.dodoCustomerId))) return { kind: "activating", plan };
  return plan ? { kind: "ended", plan } : { kind: "none", plan: null };
}

async function dodoHasLivePlan(customerId: string): Promise<boolean> {
  try {
    return await hasLivePlanInDodo(customerId, (await getCatalog()).planProductId);
  } catch {
    return false; // Dodo unreachable: show what MailKit knows
  }
}

/** What sends can spend; while a plan activates, refreshed from Dodo so it matches the balance shown. */
export async function getSendableCredits(user: SessionUser, state: PlanState) {
  return getSendingCredits(user, { refresh: state.kind === "activating" });
}
