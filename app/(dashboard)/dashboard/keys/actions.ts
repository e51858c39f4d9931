"use server";

import { revalidatePath } from "next/cache";

import type { CreateKeyState } from "@/components/sending/create-key-form";
import { createApiKey, createApiKeyForm, revokeApiKey } from "@/lib/api/keys";
import { requireUser } from "@/lib/auth/session";
import { formAction } from "@/lib/http/server-action";

const createKey = formAction(
  {
    page: "/dashboard/keys",
    schema: createApiKeyForm,
    fields: ["name", "permission"],
    invalid: (errors): CreateKeyState => ({ status: "invalid", errors }),
  },
  async (user, input): Promise<CreateKeyState> => {
    const key = await createApiKey(user.id, input);
    revalidatePath("/dashboard/keys");
    // The token leaves the server this once; only its hash is stored.
    return { status: "created", name: key.name, permission: key.permission, token: key.token };
  },
);

export async function createKeyAction(previous: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  return createKey(previous, form);
}

export async function revokeKeyAction(form: FormData): Promise<void> {
  const user = await requireUser("/dashboard/keys");
  const id = form.get("id");
  if (typeof id === "string" && id) await revokeApiKey(user.id, id);
  revalidatePath("/dashboard/keys");
}
