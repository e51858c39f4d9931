"use server";

import { revalidatePath } from "next/cache";

import type { CreateKeyState } from "@/components/sending/create-key-form";
import { createApiKey, revokeApiKey } from "@/lib/api/keys";
import { requireUser } from "@/lib/auth/session";
import { createApiKeyForm } from "@/lib/validations/email";

export async function createKeyAction(_previous: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  const user = await requireUser("/dashboard/keys");
  const parsed = createApiKeyForm.safeParse({ name: form.get("name") ?? "", permission: form.get("permission") ?? "" });
  if (!parsed.success) {
    const errors: Partial<Record<"name" | "permission", string>> = {};
    for (const issue of parsed.error.issues) errors[issue.path[0] as "name" | "permission"] ??= issue.message;
    return { status: "invalid", errors };
  }
  const key = await createApiKey(user.id, parsed.data);
  revalidatePath("/dashboard/keys");
  // The token leaves the server this once; only its hash is stored.
  return { status: "created", name: key.name, permission: key.permission, token: key.token };
}

export async function revokeKeyAction(form: FormData): Promise<void> {
  const user = await requireUser("/dashboard/keys");
  const id = form.get("id");
  if (typeof id === "string" && id) await revokeApiKey(user.id, id);
  revalidatePath("/dashboard/keys");
}
