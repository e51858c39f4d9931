import { Alert } from "@/components/ui/alert";
import { db } from "@/lib/db";

import { TopUpButton } from "./top-up-button";

/** Shown after Dodo's credit.balance_low until the balance is back above the threshold. */
export async function LowBalanceBanner({ userId }: { userId: string }) {
  const account = await db.creditAccount.findUnique({ where: { userId } });
  if (!account?.lowBalanceSince) return null;
  const available = Math.max(0, account.balance - account.reserved);
  return (
    <Alert
      tone="warning"
      title={`Low balance: ${available.toLocaleString("en-US")} email credits left`}
      action={<TopUpButton size="sm" />}
    >
      You are below 20% of your plan&apos;s monthly credits. Add a top-up pack so your sends don&apos;t stop at zero.
    </Alert>
  );
}
