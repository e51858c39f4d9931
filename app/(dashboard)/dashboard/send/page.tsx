import type { Metadata } from "next";

import { Composer } from "@/components/sending/composer";
import { requireUser } from "@/lib/auth/session";
import { getPlanState, getSendableCredits } from "@/lib/dashboard/account";
import { verifiedDomainNames } from "@/lib/domains/sender";
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
          One credit per distinct recipient. The same pipeline as the API: nothing is charged unless the email goes out.
        </p>
      </div>
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
