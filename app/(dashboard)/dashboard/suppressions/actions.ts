"use server";

import { revalidatePath } from "next/cache";

import { requireUser } from "@/lib/auth/session";
import { removeSuppression } from "@/lib/suppressions";

export async function removeSuppressionAction(form: FormData): Promise<void> {
  const user = await requireUser("/dashboard/suppressions");
  const id = form.get("id");
  if (typeof id === "string" && id) await removeSuppression(user.id, id);
  revalidatePath("/dashboard/suppressions");
}
