import type { Metadata } from "next";

import { BalanceCard } from "@/components/billing/balance-card";
import { LedgerTable } from "@/components/billing/ledger-table";
import { PlanCard } from "@/components/billing/plan-card";
import { UsageChartCard } from "@/components/sending/usage-chart";
import { ButtonLink } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { getLedgerPage, getLiveCredits } from "@/lib/billing/overview";
import { getRunway, nextExpiringGrant } from "@/lib/billing/runway";
import { getPlanState, getSendableCredits } from "@/lib/dashboard/account";
import { pageNumber } from "@/lib/dashboard/page-number";
import { formatDate, formatNumber } from "@/lib/format";

export const metadata: Metadata = { title: "Overview" };
export const dynamic = "force-dynamic";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ ledgerPage?: string }> }) {
  const user = await requireUser("/dashboard");
  const page = pageNumber((await searchParams).ledgerPage);
  const [credits, planState, ledger] = await Promise.all([
    getLiveCredits(user),
    getPlanState(user),
    getLedgerPage(user, page),
  ]);
  const sending = await getSendableCredits(user, planState);
  const runway = await getRunway(user.dodoCustomerId, sending.available);
  const expiring = credits.ok ? nextExpiringGrant(credits.grants) : null;
  // At low balance the balance card's top-up is the one primary action; sending steps back.
  const low =
    credits.ok && (credits.balance <= 0 || (sending.threshold !== null && credits.balance < sending.threshold));
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Overview</h1>
          <p className="text-sm text-gray-500">Your live balance from Dodo Payments and your plan.</p>
        </div>
        <ButtonLink href="/dashboard/send" variant={low ? "secondary" : "primary"}>
          Send an email
        </ButtonLink>
      </div>
      <BalanceCard credits={credits} threshold={sending.threshold} planState={planState} />
      {credits.ok && (runway.kind === "lasts" || expiring) ? (
        <ul className="space-y-1 text-sm text-gray-700" aria-label="Credit outlook">
          {runway.kind === "lasts" ? (
            <li data-testid="runway">
              At your 7-day pace ({runway.perDay >= 1 ? formatNumber(Math.round(runway.perDay)) : "under 1"} a day),
              credits last{" "}
              {runway.beyondAYear ? (
                <strong>more than a year</strong>
              ) : (
                <>
                  until <strong>{formatDate(runway.until)}</strong>
                </>
              )}
              .
            </li>
          ) : null}
          {expiring ? (
            <li data-testid="next-expiry">
              <strong>{formatNumber(expiring.remaining)} credits</strong> expire on {formatDate(expiring.expiresAt)}.
            </li>
          ) : null}
        </ul>
      ) : null}
      <PlanCard state={planState} />
      <UsageChartCard userId={user.id} />
      <LedgerTable result={ledger} page={page} basePath="/dashboard" />
    </>
  );
}
