"use server";

import { revalidatePath } from "next/cache";

import { DomainError } from "@/lib/domains/errors";
import { setDomainTracking } from "@/lib/domains/tracking";
import { idField, stringField, userFormAction } from "@/lib/http/server-action";

const PAGE = "/dashboard/deliverability";

export type TrackingState = { status: "idle" | "saved" } | { status: "error"; message: string };

const setTracking = userFormAction<TrackingState>(
  { page: PAGE, unavailable: (message) => ({ status: "error", message }) },
  async (user, form) => {
    const id = idField(form);
    if (!id) return { status: "error", message: "No domain was given." };
    try {
      await setDomainTracking(user.id, id, {
        openTracking: stringField(form, "openTracking") === "on",
        clickTracking: stringField(form, "clickTracking") === "on",
      });
    } catch (error) {
      if (error instanceof DomainError) return { status: "error", message: error.message };
      throw error;
    }
    revalidatePath(PAGE);
    return { status: "saved" };
  },
);

/** Saves one domain's open and click tracking in Resend (domains.update), then on the domain's row. */
export async function setTrackingAction(previous: TrackingState, form: FormData): Promise<TrackingState> {
  return setTracking(previous, form);
}
