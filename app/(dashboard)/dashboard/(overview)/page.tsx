import type { Metadata } from "next";

import { BalanceCard } from "@/components/billing/balance-card";
import { LedgerTable } from "@/components/billing/ledger-table";
import { PlanCard } from "@/components/billing/plan-card";
import { UsageChartCard } from "@/components/sending/usage-chart";
import { ButtonLink } from "@/components/ui/button";
import { requireUser } from "@/lib/auth/session";
import { getLedgerPage, getLiveCredits } from "@/lib/billing/overview";
import { getPlanState, getSendableCredits } from "@/lib/dashboard/account";
import { pageNumber } from "@/lib/dashboard/page-number";

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
  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Overview</h1>
          <p className="text-sm text-gray-500">Your live balance from Dodo Payments and your plan.</p>
        </div>
        <ButtonLink href="/dashboard/send">Send an email</ButtonLink>
      </div>
      <BalanceCard credits={credits} threshold={sending.threshold} planState={planState} />
      <PlanCard state={planState} />
      <UsageChartCard userId={user.id} />
      <LedgerTable result={ledger} page={page} basePath="/dashboard" />
    </>
  );
}
