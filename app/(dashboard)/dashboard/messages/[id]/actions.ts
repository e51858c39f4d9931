"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";

import { formAction } from "@/lib/http/server-action";
import type { CancelEmailState } from "@/lib/sending/cancel-state";
import { cancelFromDashboard } from "@/lib/sending/dashboard";
import { emailId } from "@/lib/sending/list-schema";

const cancel = formAction(
  {
    page: "/dashboard/messages",
    schema: z.object({ id: emailId }),
    fields: ["id"],
    invalid: (): CancelEmailState => ({ status: "error", message: "Email not found." }),
    unavailable: (message): CancelEmailState => ({ status: "error", message }),
  },
  async (user, { id }) => {
    const state = await cancelFromDashboard(user, id);
    if (state.status === "canceled") {
      revalidatePath(`/dashboard/messages/${id}`);
      revalidatePath("/dashboard/messages");
    }
    return state;
  },
);

export async function cancelEmailAction(previous: CancelEmailState, form: FormData): Promise<CancelEmailState> {
  return cancel(previous, form);
}
