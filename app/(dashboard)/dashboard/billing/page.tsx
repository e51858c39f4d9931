import type { Metadata } from "next";
import type { ReactNode } from "react";

import { BalanceCard } from "@/components/billing/balance-card";
import { GrantsTable } from "@/components/billing/grants-table";
import { LedgerTable } from "@/components/billing/ledger-table";
import { PaymentsTable } from "@/components/billing/payments-table";
import { PlanActivating } from "@/components/billing/plan-activating";
import { PlanCard } from "@/components/billing/plan-card";
import { SubscribeButton, TopUpButton } from "@/components/billing/top-up-button";
import { Alert } from "@/components/ui/alert";
import { Card, CardBody } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { requireUser } from "@/lib/auth/session";
import { autoTopUpHistory } from "@/lib/billing/auto-top-up";
import { getBillingAutomation } from "@/lib/billing/automation";
import { getLedgerPage, getLiveCredits } from "@/lib/billing/overview";
import { getPaymentMethodOnFile } from "@/lib/billing/payment-method";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import { getPlanState, getSendableCredits } from "@/lib/dashboard/account";
import { getPaymentHistory } from "@/lib/billing/payments";
import { formatDate } from "@/lib/format";
import { pageNumber } from "@/lib/dashboard/page-number";

import { cancelPlanAction } from "./actions";
import { AutomationCard } from "./automation-card";

export const metadata: Metadata = { title: "Billing" };
export const dynamic = "force-dynamic";

const errors: Record<string, string> = {
  already_subscribed: "You already have a MailKit Plan. Buy a top-up pack for more credits.",
  no_plan: PRODUCT_COPY.noPlan,
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
  const [credits, planState, ledger, payments, automation, method, history] = await Promise.all([
    getLiveCredits(user),
    getPlanState(user),
    getLedgerPage(user, page),
    getPaymentHistory(user.id),
    getBillingAutomation(user.id),
    getPaymentMethodOnFile(user),
    user.dodoCustomerId ? autoTopUpHistory(user.dodoCustomerId) : Promise.resolve([]),
  ]);
  const sending = await getSendableCredits(user, planState);
  const plan = planState.kind === "live" ? planState.plan : null;
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Billing</h1>
        <p className="text-sm text-gray-500">
          Plans and top-ups are billed by Dodo Payments. Credits appear once Dodo confirms the payment.{" "}
          {PRODUCT_COPY.pricing}
        </p>
      </div>
      {params.error ? <Alert tone="error" title={errors[params.error] ?? "Something went wrong."} /> : null}
      <BalanceCard credits={credits} threshold={sending.threshold} planState={planState} />

      <div className="grid gap-6 md:grid-cols-2">
        <ProductCard
          name={PRODUCT.plan.name}
          price={PRODUCT_COPY.planPrice}
          period="/ month"
          body={`${PRODUCT_COPY.planSummary}. ${PRODUCT_COPY.expiry}.`}
          action={
            planState.kind === "live" ? (
              <p className="text-sm font-medium text-green-700">You are subscribed</p>
            ) : planState.kind === "activating" ? (
              <PlanActivating compact />
            ) : (
              <SubscribeButton />
            )
          }
        />
        <div id="top-up">
          <ProductCard
            name={PRODUCT.topUp.name}
            price={PRODUCT_COPY.topUpPrice}
            period="one-time"
            body={`${PRODUCT_COPY.topUpSummary}.`}
            action={
              planState.kind === "live" ? (
                <TopUpButton variant="secondary" /> /* its caption states the expiry, as everywhere the pack is sold */
              ) : (
                <p className="text-sm text-gray-600" data-testid="top-up-needs-plan">
                  Packs are add-ons: subscribe to the {PRODUCT.plan.name} first.
                </p>
              )
            }
          />
        </div>
      </div>

      <AutomationCard automation={automation} method={method} history={history} hasPlan={planState.kind === "live"} />

      <PlanCard
        state={planState}
        showSubscribe={false}
        cancel={
          plan ? (
            <ConfirmForm
              action={cancelPlanAction}
              trigger="Cancel plan"
              title="Cancel your MailKit Plan?"
              description={
                <p>
                  It stops renewing on {formatDate(plan.nextBillingDate)}. No more charges and no new credits after
                  that; the credits you have stay usable until they expire.
                </p>
              }
              confirmLabel="Cancel plan"
              success="Your plan will end at the close of this billing cycle."
              testId="cancel-plan"
              triggerVariant="secondary"
            />
          ) : null
        }
      />
      {credits.ok ? <GrantsTable grants={credits.grants} /> : null}
      <LedgerTable result={ledger} page={page} basePath="/dashboard/billing" />
      <PaymentsTable payments={payments} />
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
  action: ReactNode;
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
