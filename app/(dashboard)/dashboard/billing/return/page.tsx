import type { Metadata } from "next";

import { Check, LoaderCircle, X } from "lucide-react";

import { PLAN_ACTIVATING } from "@/components/billing/plan-activating";
import { TopUpButton } from "@/components/billing/top-up-button";
import { ButtonLink } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { checkoutConfirmation } from "@/lib/billing/confirmation";
import { isCleanText } from "@/lib/text";

export const metadata: Metadata = { title: "Payment" };
export const dynamic = "force-dynamic";

type Search = { kind?: string; subscription_id?: string; payment_id?: string; status?: string };

/** Where Dodo's hosted checkout sends the browser back. Not proof of payment: we wait for the webhook. */
export default async function CheckoutReturnPage({ searchParams }: { searchParams: Promise<Search> }) {
  const user = await requireUser("/dashboard/billing");
  // Dodo's ids are plain text: a value with NUL or a lone surrogate names no payment (and PostgreSQL refuses it).
  const params = Object.fromEntries(
    Object.entries(await searchParams).filter(([, value]) => typeof value === "string" && isCleanText(value)),
  ) as Search;
  const state = await checkoutConfirmation(user, {
    subscriptionId: params.subscription_id,
    paymentId: params.payment_id,
    status: params.status,
  });
  const what = params.kind === "subscribe" ? "MailKit Plan" : "top-up pack";
  return (
    <Card className="mx-auto max-w-xl">
      <CardBody className="space-y-4 py-10 text-center">
        {state === "confirmed" ? (
          <>
            <div className="mx-auto grid h-12 w-12 place-items-center rounded-full bg-green-100 text-green-700">
              <Check className="h-6 w-6" aria-hidden />
            </div>
            <h1 className="text-xl font-semibold" data-testid="checkout-state">
              Payment confirmed
            </h1>
            <p className="text-gray-600">Your {what} is active and the credits are on your balance.</p>
            <ButtonLink href="/dashboard">Go to your dashboard</ButtonLink>
          </>
        ) : state === "failed" ? (
          <>
            <div className="mx-auto grid h-12 w-12 place-items-center rounded-full bg-red-100 text-red-700">
              <X className="h-6 w-6" aria-hidden />
            </div>
            <h1 className="text-xl font-semibold" data-testid="checkout-state">
              Payment failed
            </h1>
            <p className="text-gray-600">Your card was not charged and no credits were added. You can try again.</p>
            <div className="flex flex-wrap justify-center gap-3">
              <ButtonLink href="/dashboard/billing" variant="secondary">
                Back to billing
              </ButtonLink>
              {params.kind === "topup" ? <TopUpButton label="Try again" /> : null}
            </div>
          </>
        ) : state === "unknown" || state === "stale" ? (
          <>
            <h1 className="text-xl font-semibold" data-testid="checkout-state">
              {state === "unknown" ? "No payment to confirm here" : "Not confirmed yet"}
            </h1>
            <p className="text-gray-600">
              {state === "unknown"
                ? "This link does not point to a payment of your account. Your billing page lists every payment and its invoice."
                : "Dodo Payments has not confirmed this payment yet, long after it started. Nothing is lost: credits arrive as soon as it is confirmed, and your billing page shows its status."}
            </p>
            <ButtonLink href="/dashboard/billing">Go to billing</ButtonLink>
          </>
        ) : (
          <>
            {/* The dashboard's live updates re-render this page as soon as the webhooks land. */}
            <LoaderCircle className="mx-auto h-10 w-10 motion-safe:animate-spin text-brand-600" aria-hidden />
            {/* A plan waiting for its webhooks reads as it does on every other page: "Plan activating…". */}
            <h1 className="text-xl font-semibold" data-testid="checkout-state">
              {params.kind === "subscribe" ? PLAN_ACTIVATING.title : "Payment received, credits on the way"}
            </h1>
            <p className="text-gray-600">
              {params.kind === "subscribe"
                ? PLAN_ACTIVATING.detail
                : `We are waiting for Dodo Payments to confirm your ${what}.`}{" "}
              This page updates by itself.
            </p>
            <ButtonLink href="/dashboard/billing" variant="secondary">
              Back to billing
            </ButtonLink>
          </>
        )}
      </CardBody>
    </Card>
  );
}
