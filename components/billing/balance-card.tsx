import { Alert } from "@/components/ui/alert";
import { Card, CardBody } from "@/components/ui/card";
import type { LiveCredits } from "@/lib/billing/overview";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import type { PlanState } from "@/lib/dashboard/account";
import { formatDate, formatNumber } from "@/lib/format";

import { TopUpButton } from "./top-up-button";

/** The live balance from Dodo, with a meter against the credits of the active grants (plan + top-ups). */
export function BalanceCard({
  credits,
  threshold,
  planState,
}: {
  credits: LiveCredits;
  threshold: number | null;
  planState: PlanState;
}) {
  if (!credits.ok) {
    return (
      <Alert tone="error" title="Balance unavailable">
        {credits.error}
      </Alert>
    );
  }
  const total = Math.max(credits.cycleTotal, credits.balance);
  const percent = total > 0 ? Math.min(100, Math.round((credits.balance / total) * 100)) : 0;
  const low = threshold !== null && credits.balance < threshold;
  const empty = credits.balance <= 0;
  const barColor = empty ? "bg-red-500" : low ? "bg-yellow-500" : "bg-brand-600";
  const subscribed = planState.kind === "live" || planState.kind === "activating";
  return (
    <Card>
      <CardBody>
        <p className="text-sm font-medium text-gray-500">Email credits</p>
        <div className="mt-2 flex flex-wrap items-end justify-between gap-4">
          <p className="text-4xl font-bold tracking-tight text-gray-900">
            <span data-testid="balance">{formatNumber(credits.balance)}</span>{" "}
            <span className="text-lg font-medium text-gray-500">emails left</span>
          </p>
          {subscribed && (low || empty) ? <TopUpButton /> : null}
        </div>
        <div className="mt-5">
          <div
            className="h-2.5 w-full overflow-hidden rounded-full bg-gray-100"
            role="meter"
            aria-label="Credits left in your active grants"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={credits.balance}
          >
            <div className={`h-full rounded-full ${barColor}`} style={{ width: `${percent}%` }} />
          </div>
          <p className="mt-2 text-sm text-gray-600" data-testid="balance-summary">
            {summary(credits.balance, total, percent, planState)}
            {threshold !== null && !empty ? ` · low-balance warning below ${formatNumber(threshold)}` : ""}
          </p>
          <p className="mt-1 text-xs text-gray-500">{PRODUCT_COPY.expiry}; the oldest are used first.</p>
        </div>
      </CardBody>
    </Card>
  );
}

function summary(balance: number, total: number, percent: number, planState: PlanState): string {
  if (balance > 0)
    return `${formatNumber(balance)} of ${formatNumber(total)} credits in your active grants (${percent}%)`;
  if (planState.kind === "activating") return "Your plan's credits are on their way.";
  if (planState.kind === "live") {
    const renewal = planState.plan.cancelAtNextBillingDate ? null : planState.plan.nextBillingDate;
    return `You've used all your credits: sends are refused until you buy a top-up pack${renewal ? ` or your plan renews on ${formatDate(renewal)}` : ""}.`;
  }
  return `No credits yet: subscribe to the ${PRODUCT.plan.name} to get ${PRODUCT_COPY.planCredits} emails a month.`;
}
