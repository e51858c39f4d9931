import { Alert } from "@/components/ui/alert";
import { getLowBalanceNotice } from "@/lib/billing/low-balance";

import { TopUpButton } from "./top-up-button";

/** Shown after Dodo's credit.balance_low until the balance is back above the threshold. */
export async function LowBalanceBanner({ userId }: { userId: string }) {
  const notice = await getLowBalanceNotice(userId);
  if (!notice) return null;
  const { available } = notice;
  return (
    <div data-testid="low-balance-banner">
      <Alert
        tone="warning"
        role="alert"
        title={`Low balance: ${available.toLocaleString("en-US")} email credits left`}
        action={<TopUpButton size="sm" />}
      >
        You are below 20% of your plan&apos;s monthly credits. Add a top-up pack so your sends don&apos;t stop at zero.
      </Alert>
    </div>
  );
}
