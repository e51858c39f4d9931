import { Alert } from "@/components/ui/alert";
import { Card, CardBody } from "@/components/ui/card";
import type { LiveCredits } from "@/lib/billing/overview";
import { formatNumber } from "@/lib/format";

import { TopUpButton } from "./top-up-button";

/** The live balance from Dodo, with a meter against this cycle's credits (plan + top-ups). */
export function BalanceCard({ credits, threshold }: { credits: LiveCredits; threshold: number | null }) {
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
  return (
    <Card>
      <CardBody>
        <p className="text-sm font-medium text-gray-500">Email credits</p>
        <div className="mt-2 flex flex-wrap items-end justify-between gap-4">
          <p className="text-4xl font-bold tracking-tight text-gray-900">
            <span data-testid="balance">{formatNumber(credits.balance)}</span>{" "}
            <span className="text-lg font-medium text-gray-500">emails left</span>
          </p>
          {low || empty ? <TopUpButton /> : null}
        </div>
        <div className="mt-5">
          <div
            className="h-2.5 w-full overflow-hidden rounded-full bg-gray-100"
            role="meter"
            aria-label="Credits left this cycle"
            aria-valuemin={0}
            aria-valuemax={total}
            aria-valuenow={credits.balance}
          >
            <div className={`h-full rounded-full ${barColor}`} style={{ width: `${percent}%` }} />
          </div>
          <p className="mt-2 text-sm text-gray-500">
            {total > 0
              ? `${formatNumber(credits.balance)} of ${formatNumber(total)} credits in your active grants (${percent}%)`
              : "No credits yet: subscribe to the MailKit Plan to get 5,000 emails a month."}
            {threshold !== null ? ` · low-balance warning below ${formatNumber(threshold)}` : ""}
          </p>
        </div>
      </CardBody>
    </Card>
  );
}
