import { Alert } from "@/components/ui/alert";
import { getLowBalanceNotice } from "@/lib/billing/low-balance";
import { PRODUCT_COPY } from "@/lib/catalog/product";
import { formatNumber } from "@/lib/format";

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
        title={
          available > 0
            ? `Low balance: ${formatNumber(available)} email credits left`
            : "Out of credits: sends are refused until you top up"
        }
        action={<TopUpButton size="sm" variant="secondary" />}
      >
        {available > 0
          ? `You are below ${PRODUCT_COPY.lowBalance} of your plan's credits per cycle. Add a top-up pack before you run out.`
          : "Every send is answered 402 with nothing charged. A top-up pack adds credits at once."}
      </Alert>
    </div>
  );
}
