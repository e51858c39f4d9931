import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import type { PlanState } from "@/lib/dashboard/account";
import { formatDate, formatNumber } from "@/lib/format";

import { PlanActivating } from "./plan-activating";
import { SubscribeButton } from "./top-up-button";

const statusTone = {
  active: "green",
  on_hold: "yellow",
  pending: "yellow",
  past_due: "yellow",
  cancelled: "gray",
  expired: "gray",
  failed: "red",
  paused: "gray",
} as const;

export function PlanStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone[status as keyof typeof statusTone] ?? "gray"}>{status.replace("_", " ")}</Badge>;
}

export function PlanCard({
  state,
  showPortal = true,
  showSubscribe = true,
  cancel,
}: {
  state: PlanState;
  showPortal?: boolean;
  showSubscribe?: boolean;
  /** The "cancel plan" control (billing page only). */
  cancel?: React.ReactNode;
}) {
  const plan = state.kind === "live" || state.kind === "ended" ? state.plan : null;
  return (
    <Card>
      <CardHeader
        title="Your plan"
        description={`${PRODUCT.plan.name} · ${PRODUCT_COPY.planPrice} / month · ${PRODUCT_COPY.planSummary}`}
        action={
          <span data-testid="plan-badge">
            {state.kind === "activating" ? (
              <Badge tone="yellow">activating</Badge>
            ) : plan ? (
              <PlanStatusBadge status={plan.status} />
            ) : (
              <Badge>no plan</Badge>
            )}
          </span>
        }
      />
      <CardBody className="space-y-3 text-sm">
        {state.kind === "activating" ? (
          <PlanActivating />
        ) : plan ? (
          <>
            <dl className="grid grid-cols-2 gap-3">
              <div>
                <dt className="text-gray-500">{plan.cancelAtNextBillingDate ? "Ends on" : "Next renewal"}</dt>
                <dd className="font-medium text-gray-900" data-testid="next-renewal">
                  {formatDate(plan.nextBillingDate)}
                </dd>
              </div>
              <div>
                <dt className="text-gray-500">Credits per cycle</dt>
                <dd className="font-medium text-gray-900">{formatNumber(plan.creditsPerCycle)}</dd>
              </div>
            </dl>
            {plan.status === "on_hold" ? (
              <p className="rounded-lg bg-yellow-50 p-3 text-yellow-900">
                The last renewal payment failed. Update your payment method in the billing portal to keep your plan.
              </p>
            ) : null}
            {plan.cancelAtNextBillingDate ? (
              <p className="text-gray-600" data-testid="plan-ends">
                Your plan will not renew. Credits you have stay usable until they expire.
              </p>
            ) : null}
            <div className="flex flex-wrap items-center justify-between gap-3">
              {showPortal ? (
                <form action="/api/billing/portal" method="post">
                  <button
                    type="submit"
                    className="font-semibold text-brand-700 hover:text-brand-800"
                    data-testid="portal-button"
                  >
                    Manage in the billing portal →
                  </button>
                </form>
              ) : null}
              {state.kind === "live" && !plan.cancelAtNextBillingDate ? cancel : null}
            </div>
            {state.kind === "ended" && showSubscribe ? <SubscribeButton /> : null}
          </>
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-gray-600">Subscribe to start sending: {PRODUCT_COPY.planCredits} emails every month.</p>
            {showSubscribe ? <SubscribeButton /> : null}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
