"use server";

import { rowAction } from "@/lib/http/server-action";
import { removeSuppression } from "@/lib/suppressions";

const remove = rowAction("/dashboard/suppressions", (user, id) => removeSuppression(user.id, id));

export async function removeSuppressionAction(form: FormData): Promise<void> {
  return remove(form);
}
