"use server";

import { revalidatePath } from "next/cache";

import { ensureDodoCustomer } from "@/lib/billing/customer";
import { formAction } from "@/lib/http/server-action";
import { composerValues, sendFromComposer, type ComposerState } from "@/lib/sending/dashboard";
import { COMPOSER_FIELDS, composerForm } from "@/lib/sending/composer-schema";

const send = formAction(
  {
    page: "/dashboard/send",
    schema: composerForm,
    fields: COMPOSER_FIELDS,
    invalid: (fieldErrors, values): ComposerState => ({
      status: "invalid",
      fieldErrors,
      values: composerValues(values),
    }),
    unavailable: (message, values): ComposerState => ({ status: "failed", message, values: composerValues(values) }),
  },
  async (user, email, values) => {
    const state = await sendFromComposer(user, email, composerValues(values), ensureDodoCustomer);
    if (state.status === "sent") {
      revalidatePath("/dashboard");
      revalidatePath("/dashboard/messages");
    }
    return state;
  },
);

export async function sendEmailAction(previous: ComposerState, form: FormData): Promise<ComposerState> {
  return send(previous, form);
}
