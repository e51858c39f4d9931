"use server";

import { revalidatePath } from "next/cache";

import { requireUser } from "@/lib/auth/session";
import { sendFromComposer, type ComposerState } from "@/lib/sending/dashboard";

export async function sendEmailAction(_previous: ComposerState, form: FormData): Promise<ComposerState> {
  const user = await requireUser("/dashboard/send");
  const state = await sendFromComposer(user, form);
  if (state.status === "sent") {
    revalidatePath("/dashboard");
    revalidatePath("/dashboard/messages");
  }
  return state;
}
