"use server";

import type { ActionResult } from "@/lib/http/action-result";
import { rowAction } from "@/lib/http/server-action";
import { removeSuppression } from "@/lib/suppressions";

const remove = rowAction(
  "/dashboard/suppressions",
  "That address is not on your suppression list (any more).",
  (user, id) => removeSuppression(user.id, id),
);

export async function removeSuppressionAction(form: FormData): Promise<ActionResult> {
  return remove(form);
}
