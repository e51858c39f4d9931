"use server";

import { revalidatePath } from "next/cache";

import { requireUser } from "@/lib/auth/session";
import { addDomainFromForm, domainAction, type AddDomainState, type DomainActionState } from "@/lib/domains/dashboard";

export async function addDomainAction(_previous: AddDomainState, form: FormData): Promise<AddDomainState> {
  const user = await requireUser("/dashboard/domains");
  const state = await addDomainFromForm(user.id, form);
  revalidatePath("/dashboard/domains");
  return state;
}

export async function verifyDomainAction(_previous: DomainActionState, form: FormData): Promise<DomainActionState> {
  const user = await requireUser("/dashboard/domains");
  const state = await domainAction(user.id, form, "verify");
  revalidatePath("/dashboard/domains");
  return state;
}

export async function removeDomainAction(form: FormData): Promise<void> {
  const user = await requireUser("/dashboard/domains");
  await domainAction(user.id, form, "remove");
  revalidatePath("/dashboard/domains");
  revalidatePath("/dashboard/send");
}
