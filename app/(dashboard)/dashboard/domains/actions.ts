"use server";

import { revalidatePath } from "next/cache";

import {
  addDomainFromDashboard,
  domainAction,
  type AddDomainState,
  type DomainActionState,
} from "@/lib/domains/dashboard";
import { DONE, refused, type ActionResult } from "@/lib/http/action-result";
import { idField, stringField, userButtonAction, userFormAction } from "@/lib/http/server-action";

const PAGE = "/dashboard/domains";

const addDomain = userFormAction<AddDomainState>(
  { page: PAGE, unavailable: (message, form) => ({ status: "invalid", message, name: stringField(form, "name") }) },
  async (user, form) => {
    const input = { name: stringField(form, "name"), region: stringField(form, "region") || undefined };
    const state = await addDomainFromDashboard(user.id, input);
    revalidatePath(PAGE);
    return state;
  },
);

export async function addDomainAction(previous: AddDomainState, form: FormData): Promise<AddDomainState> {
  return addDomain(previous, form);
}

const verifyDomain = userFormAction<DomainActionState>(
  { page: PAGE, unavailable: (message) => ({ status: "failed", message }) },
  async (user, form) => {
    // An id that is not clean text names no domain: the lookup answers "not found".
    const state = await domainAction(user.id, idField(form) ?? "", "verify");
    revalidatePath(PAGE);
    return state;
  },
);

export async function verifyDomainAction(previous: DomainActionState, form: FormData): Promise<DomainActionState> {
  return verifyDomain(previous, form);
}

const removeDomain = userButtonAction(PAGE, async (user, form) => {
  const state = await domainAction(user.id, idField(form) ?? "", "remove");
  revalidatePath(PAGE);
  revalidatePath("/dashboard/send");
  return state.status === "failed" ? refused(state.message) : DONE;
});

export async function removeDomainAction(form: FormData): Promise<ActionResult> {
  return removeDomain(form);
}
