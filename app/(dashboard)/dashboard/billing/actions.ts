"use server";

import { revalidatePath } from "next/cache";

import {
  ALERT_FIELDS,
  alertSchema,
  AUTO_TOP_UP_FIELDS,
  autoTopUpSchema,
  saveAlert,
  saveAutoTopUp,
} from "@/lib/billing/automation";
import { BillingError, cancelPlanAtPeriodEnd } from "@/lib/billing/checkout";
import { DONE, refused, type ActionResult } from "@/lib/http/action-result";
import { accountAction, formAction } from "@/lib/http/server-action";

const PAGE = "/dashboard/billing";

export type AutomationState =
  | { status: "idle" }
  | { status: "saved"; message: string }
  | { status: "failed"; message: string }
  | { status: "invalid"; fieldErrors: Partial<Record<string, string>>; values: Record<string, string> };

const cancelPlan = accountAction(PAGE, async (user) => {
  try {
    await cancelPlanAtPeriodEnd(user);
    return DONE;
  } catch (error) {
    if (error instanceof BillingError) return refused(error.message);
    throw error;
  }
});

export async function cancelPlanAction(): Promise<ActionResult> {
  return cancelPlan();
}

const autoTopUp = formAction<typeof autoTopUpSchema, AutomationState>(
  {
    page: PAGE,
    schema: autoTopUpSchema,
    fields: AUTO_TOP_UP_FIELDS,
    invalid: (fieldErrors, values) => ({ status: "invalid", fieldErrors, values }),
    unavailable: (message) => ({ status: "failed", message }),
  },
  async (user, input) => {
    await saveAutoTopUp(user, input);
    revalidatePath(PAGE);
    return { status: "saved", message: input.enabled ? "Auto top-up is on." : "Auto top-up is off." };
  },
);

export async function saveAutoTopUpAction(previous: AutomationState, form: FormData): Promise<AutomationState> {
  return autoTopUp(previous, form);
}

const alert = formAction<typeof alertSchema, AutomationState>(
  {
    page: PAGE,
    schema: alertSchema,
    fields: ALERT_FIELDS,
    invalid: (fieldErrors, values) => ({ status: "invalid", fieldErrors, values }),
    unavailable: (message) => ({ status: "failed", message }),
  },
  async (user, input) => {
    await saveAlert(user, input);
    revalidatePath(PAGE);
    return { status: "saved", message: input.threshold === null ? "Your own alert is off." : "Alert saved." };
  },
);

export async function saveAlertAction(previous: AutomationState, form: FormData): Promise<AutomationState> {
  return alert(previous, form);
}
