"use server";

import { revalidatePath } from "next/cache";

import { requireUser } from "@/lib/auth/session";
import { cancelPlanAtPeriodEnd } from "@/lib/billing/checkout";

export async function cancelPlanAction(): Promise<void> {
  const user = await requireUser("/dashboard/billing");
  await cancelPlanAtPeriodEnd(user);
  revalidatePath("/dashboard/billing");
}
