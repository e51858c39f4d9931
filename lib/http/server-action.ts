import { revalidatePath } from "next/cache";
import type { z } from "zod";

import { requireUser, type SessionUser } from "@/lib/auth/session";

import { fieldErrorsOf, type FieldErrors } from "./field-errors";

/**
 * The dashboard's form server actions: the signed-in user (or a redirect to sign in), the form read through a zod
 * schema, and either one message per invalid field or the handler's result. Server actions are checked for their
 * origin by Next.js itself (a cross-site POST is refused before it reaches this code).
 */

export type FormActionOptions<S extends z.ZodType, State> = {
  /** The page to come back to after signing in. */
  page: string;
  schema: S;
  /** The fields the schema reads, taken from the form as strings ("" when absent). */
  fields: readonly (keyof z.input<S> & string)[];
  /** The state shown when fields are invalid (with what the user typed). */
  invalid: (errors: FieldErrors<keyof z.input<S> & string>, values: Record<string, string>) => State;
};

export function formAction<S extends z.ZodType, State>(
  options: FormActionOptions<S, State>,
  handler: (user: SessionUser, input: z.output<S>, values: Record<string, string>) => Promise<State>,
): (previous: State, form: FormData) => Promise<State> {
  return async (_previous, form) => {
    const user = await requireUser(options.page);
    const values = Object.fromEntries(options.fields.map((name) => [name, stringField(form, name)]));
    const parsed = options.schema.safeParse(values);
    if (!parsed.success) return options.invalid(fieldErrorsOf(parsed.error, options.fields), values);
    return handler(user, parsed.data, values);
  };
}

function stringField(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

/**
 * A button on a row of a dashboard list (revoke a key, remove an entry): the form's `id`, acted on for the
 * signed-in user only (the domain function scopes it to the user), then the page is rendered again.
 */
export function rowAction(page: string, handler: (user: SessionUser, id: string) => Promise<unknown>) {
  return async (form: FormData): Promise<void> => {
    const user = await requireUser(page);
    const id = stringField(form, "id");
    if (id) await handler(user, id);
    revalidatePath(page);
  };
}

/** A button that acts on the signed-in user's own account (e.g. cancel the plan), then renders the page again. */
export function accountAction(page: string, handler: (user: SessionUser) => Promise<unknown>) {
  return async (): Promise<void> => {
    await handler(await requireUser(page));
    revalidatePath(page);
  };
}
