"use server";

import { cancelPlanAtPeriodEnd } from "@/lib/billing/checkout";
import { accountAction } from "@/lib/http/server-action";

const cancelPlan = accountAction("/dashboard/billing", (user) => cancelPlanAtPeriodEnd(user));

export async function cancelPlanAction(): Promise<void> {
  return cancelPlan();
}
