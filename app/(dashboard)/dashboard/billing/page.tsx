import type { Metadata } from "next";

import { BalanceCard } from "@/components/billing/balance-card";
import { GrantsTable } from "@/components/billing/grants-table";
import { LedgerTable } from "@/components/billing/ledger-table";
import { PlanCard } from "@/components/billing/plan-card";
import { SubscribeButton, TopUpButton } from "@/components/billing/top-up-button";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import {
  getLedgerPage,
  getLiveCredits,
  getPayments,
  getPlan,
  getSendingCredits,
  hasLivePlan,
} from "@/lib/billing/overview";
import { formatCents, formatDate } from "@/lib/format";
import { pageNumber } from "@/lib/validations/page";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

const errors: Record<string, string> = {
  already_subscribed: "You already have a MailKit Plan. Buy a top-up pack for more credits.",
  checkout_failed: "We could not start the checkout. Please try again.",
  portal_failed: "We could not open the billing portal. Please try again.",
};

export default async function BillingPage({
  searchParams,
}: {
  searchParams: Promise<{ ledgerPage?: string; error?: string }>;
}) {
  const user = await requireUser("/dashboard/billing");
  const params = await searchParams;
  const page = pageNumber(params.ledgerPage);
  const [credits, plan, ledger, payments, sending] = await Promise.all([
    getLiveCredits(user),
    getPlan(user.id),
    getLedgerPage(user, page),
    getPayments(user.id),
    getSendingCredits(user),
  ]);
  const subscribed = hasLivePlan(plan);
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Billing</h1>
        <p className="text-sm text-gray-500">
          Plans and top-ups are billed by Dodo Payments. Credits appear once Dodo confirms the payment.
        </p>
      </div>
      {params.error ? <Alert tone="error" title={errors[params.error] ?? "Something went wrong."} /> : null}
      <BalanceCard credits={credits} threshold={sending.threshold} />

      <div className="grid gap-6 md:grid-cols-2">
        <ProductCard
          name="MailKit Plan"
          price="$19"
          period="/ month"
          body="5,000 email credits every billing cycle. Credits expire after 30 days."
          action={
            subscribed ? (
              <p className="text-sm font-medium text-green-700">✓ You are subscribed</p>
            ) : (
              <SubscribeButton />
            )
          }
        />
        <div id="top-up">
          <ProductCard
            name="Email Top-Up Pack"
            price="$9"
            period="one-time"
            body="+5,000 email credits that stack on your plan's credits."
            action={<TopUpButton />}
          />
        </div>
      </div>

      <PlanCard plan={plan} showSubscribe={false} />
      {credits.ok ? <GrantsTable grants={credits.grants} /> : null}
      <LedgerTable result={ledger} page={page} basePath="/dashboard/billing" />

      <Card>
        <div className="border-b border-gray-100 px-6 py-4">
          <h2 className="text-base font-semibold">Payments</h2>
        </div>
        {payments.length === 0 ? (
          <p className="px-6 py-5 text-sm text-gray-500">No payments yet.</p>
        ) : (
          <ul className="divide-y divide-gray-100 text-sm">
            {payments.map((p) => (
              <li key={p.id} className="flex justify-between px-6 py-3" data-testid="payment-row">
                <span>
                  {p.subscriptionId ? "MailKit Plan" : "Top-up pack"} ·{" "}
                  <span className="text-gray-500">{formatDate(p.paidAt)}</span>
                </span>
                <span className={p.status === "succeeded" ? "font-medium" : "text-red-700"}>
                  {formatCents(p.totalAmount, p.currency)} · {p.status}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </>
  );
}

function ProductCard({
  name,
  price,
  period,
  body,
  action,
}: {
  name: string;
  price: string;
  period: string;
  body: string;
  action: React.ReactNode;
}) {
  return (
    <Card className="h-full">
      <CardBody className="flex h-full flex-col justify-between gap-4">
        <div>
          <h2 className="font-semibold text-gray-900">{name}</h2>
          <p className="mt-2">
            <span className="text-3xl font-bold">{price}</span> <span className="text-sm text-gray-500">{period}</span>
          </p>
          <p className="mt-2 text-sm text-gray-600">{body}</p>
        </div>
        <div>{action}</div>
      </CardBody>
    </Card>
  );
}
