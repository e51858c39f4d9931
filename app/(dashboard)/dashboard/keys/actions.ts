"use server";

import { revalidatePath } from "next/cache";

import {
  createApiKey,
  createApiKeyForm,
  KeyDomainError,
  renameApiKey,
  renameApiKeyForm,
  revokeApiKey,
} from "@/lib/keys/api-keys";
import type { ActionResult } from "@/lib/http/action-result";
import { formAction, rowAction } from "@/lib/http/server-action";

export type CreateKeyState =
  | { status: "idle" }
  | { status: "created"; name: string; permission: string; token: string }
  | { status: "invalid"; errors: Partial<Record<"name" | "permission" | "domain", string>> }
  | { status: "failed"; message: string };

const createKey = formAction(
  {
    page: "/dashboard/keys",
    schema: createApiKeyForm,
    fields: ["name", "permission", "domain"],
    invalid: (errors): CreateKeyState => ({ status: "invalid", errors }),
    unavailable: (message): CreateKeyState => ({ status: "failed", message }),
  },
  async (user, input): Promise<CreateKeyState> => {
    let key;
    try {
      key = await createApiKey(user.id, input);
    } catch (error) {
      if (error instanceof KeyDomainError) return { status: "invalid", errors: { domain: error.message } };
      throw error;
    }
    revalidatePath("/dashboard/keys");
    // The token leaves the server this once; only its hash is stored.
    return { status: "created", name: key.name, permission: key.permission, token: key.token };
  },
);

export async function createKeyAction(previous: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  return createKey(previous, form);
}

const revokeKey = rowAction("/dashboard/keys", "That key does not exist or was already revoked.", (user, id) =>
  revokeApiKey(user.id, id),
);

export async function revokeKeyAction(form: FormData): Promise<ActionResult> {
  return revokeKey(form);
}

export type RenameKeyState = { status: "idle" | "renamed" } | { status: "invalid"; errors: { name?: string } };

const renameKey = formAction(
  {
    page: "/dashboard/keys",
    schema: renameApiKeyForm,
    fields: ["id", "name"],
    invalid: (errors): RenameKeyState => ({ status: "invalid", errors: { name: errors.name ?? errors.id } }),
    unavailable: (message): RenameKeyState => ({ status: "invalid", errors: { name: message } }),
  },
  async (user, input): Promise<RenameKeyState> => {
    if (!(await renameApiKey(user.id, input.id, input.name)))
      return { status: "invalid", errors: { name: "This key no longer exists." } };
    revalidatePath("/dashboard/keys");
    return { status: "renamed" };
  },
);

export async function renameKeyAction(previous: RenameKeyState, form: FormData): Promise<RenameKeyState> {
  return renameKey(previous, form);
}
