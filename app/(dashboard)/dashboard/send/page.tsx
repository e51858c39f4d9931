import type { Metadata } from "next";

import { SubscribeButton } from "@/components/billing/top-up-button";
import { Composer } from "@/components/sending/composer";
import { Alert } from "@/components/ui/alert";
import { requireUser } from "@/lib/auth/session";
import { getPlanState, getSendableCredits } from "@/lib/dashboard/account";
import { verifiedDomainNames } from "@/lib/domains/sender";
import { PRODUCT_COPY } from "@/lib/catalog/product";
import { getEnv } from "@/lib/env";

import { sendEmailAction } from "./actions";

export const metadata: Metadata = { title: "Send" };
export const dynamic = "force-dynamic";

export default async function SendPage() {
  const user = await requireUser("/dashboard/send");
  const planState = await getPlanState(user);
  const credits = await getSendableCredits(user, planState);
  const senderDomains = await verifiedDomainNames(user.id);
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Send an email</h1>
        <p className="text-sm text-gray-500">
          {PRODUCT_COPY.costRule} The same pipeline as the API: nothing is charged unless the email goes out.
        </p>
      </div>
      {/* No plan and nothing to spend: the one way forward is the plan (packs are add-ons to it). */}
      {(planState.kind === "none" || planState.kind === "ended") && credits.available <= 0 ? (
        <div data-testid="no-plan-notice">
          <Alert tone="warning" title="Subscribe before you send" action={<SubscribeButton />}>
            {PRODUCT_COPY.noPlan}
          </Alert>
        </div>
      ) : null}
      <Composer
        action={sendEmailAction}
        available={credits.available}
        defaultFrom={senderDomains[0] ? `hello@${senderDomains[0]}` : getEnv().EMAIL_FROM}
        senderDomains={senderDomains}
        ownerEmail={user.email}
        activating={planState.kind === "activating"}
      />
    </>
  );
}
