import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import type { PlanSummary } from "@/lib/billing/overview";
import { formatDate, formatNumber } from "@/lib/format";

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

export function PlanCard({ plan, showPortal = true, showSubscribe = true }: { plan: PlanSummary; showPortal?: boolean; showSubscribe?: boolean }) {
  return (
    <Card>
      <CardHeader
        title="Your plan"
        description="MailKit Plan · $19 / month · 5,000 email credits each billing cycle"
        action={plan ? <PlanStatusBadge status={plan.status} /> : <Badge>no plan</Badge>}
      />
      <CardBody className="space-y-3 text-sm">
        {plan ? (
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
              <p className="text-gray-600">Your plan will not renew. Credits you have stay usable until they expire.</p>
            ) : null}
            {showPortal ? (
              <form action="/api/billing/portal" method="post">
                <button
                  type="submit"
                  className="font-semibold text-brand-700 hover:text-brand-800"
                  data-testid="portal-button"
                >
                  Manage or cancel in the billing portal →
                </button>
              </form>
            ) : null}
          </>
        ) : (
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-gray-600">Subscribe to start sending: 5,000 emails every month.</p>
            {showSubscribe ? <SubscribeButton /> : null}
          </div>
        )}
      </CardBody>
    </Card>
  );
}
