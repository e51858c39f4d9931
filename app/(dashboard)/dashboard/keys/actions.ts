"use server";

import { revalidatePath } from "next/cache";

import type { CreateKeyState } from "@/components/sending/create-key-form";
import { createApiKey, createApiKeyForm, revokeApiKey } from "@/lib/api/keys";
import { formAction, rowAction } from "@/lib/http/server-action";

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

const revokeKey = rowAction("/dashboard/keys", (user, id) => revokeApiKey(user.id, id));

export async function revokeKeyAction(form: FormData): Promise<void> {
  return revokeKey(form);
}
