import { revalidatePath } from "next/cache";
import type { z } from "zod";

import { requireUser, type SessionUser } from "@/lib/auth/session";
import { isDatabaseUnavailable } from "@/lib/errors";
import { logger } from "@/lib/runtime/log";
import { isCleanText } from "@/lib/text";
import { fieldErrorsOf, type FieldErrors } from "@/lib/validation/field-errors";

import { DONE, refused, UNAVAILABLE_ACTION_MESSAGE, type ActionResult } from "./action-result";

/**
 * The dashboard's server actions: the signed-in user (or a redirect to sign in), the form read through a zod
 * schema, and either one message per invalid field or the handler's result. Server actions are checked for their
 * origin by Next.js itself (a cross-site POST is refused before it reaches this code).
 *
 * The database being unavailable (what route handlers answer with 503, lib/http/errors.ts) becomes an error state
 * the form shows ("temporarily unavailable, try again"), never Next.js's error page: a failed statement changed
 * nothing, so trying again is safe.
 */

export type FormActionOptions<S extends z.ZodType, State> = {
  /** The page to come back to after signing in. */
  page: string;
  schema: S;
  /** The fields the schema reads, taken from the form as strings ("" when absent). */
  fields: readonly (keyof z.input<S> & string)[];
  /** The state shown when fields are invalid (with what the user typed). */
  invalid: (errors: FieldErrors<keyof z.input<S> & string>, values: Record<string, string>) => State;
  /** The state shown when the database is unavailable (with what the user typed, to submit again). */
  unavailable: (message: string, values: Record<string, string>) => State;
};

export function formAction<S extends z.ZodType, State>(
  options: FormActionOptions<S, State>,
  handler: (user: SessionUser, input: z.output<S>, values: Record<string, string>) => Promise<State>,
): (previous: State, form: unknown) => Promise<State> {
  return async (_previous, form) => {
    const values = Object.fromEntries(options.fields.map((name) => [name, stringField(form, name)]));
    return unlessUnavailable(
      async () => {
        const user = await requireUser(options.page);
        // The text rule (lib/text.ts) before the schema: no field may carry NUL or a lone surrogate.
        const unclean = options.fields.filter((name) => !isCleanText(values[name]!));
        if (unclean.length) {
          const errors = Object.fromEntries(unclean.map((name) => [name, UNCLEAN_FIELD_MESSAGE]));
          return options.invalid(errors as FieldErrors<keyof z.input<S> & string>, values);
        }
        const parsed = options.schema.safeParse(values);
        if (!parsed.success) return options.invalid(fieldErrorsOf(parsed.error, options.fields), values);
        return handler(user, parsed.data, values);
      },
      (message) => options.unavailable(message, values),
    );
  };
}

const UNCLEAN_FIELD_MESSAGE = "This field contains characters that cannot be stored (NUL or broken Unicode).";

/**
 * A server action's form argument. Over HTTP a client chooses what each argument is (any value React's reply
 * format encodes, not only FormData): anything else reads as an empty form.
 */
export function asForm(value: unknown): FormData {
  return value instanceof FormData ? value : new FormData();
}

/** A form field as a string: "" when absent, a file, or not a form at all. */
export function stringField(form: unknown, name: string): string {
  const value = asForm(form).get(name);
  return typeof value === "string" ? value : "";
}

/** The form's `id`, or undefined when it is absent or not clean text (NUL, a lone surrogate): it names no row. */
export function idField(form: unknown): string | undefined {
  const id = stringField(form, "id");
  return id && isCleanText(id) ? id : undefined;
}

/**
 * Runs a server action's work; the database being unavailable becomes `whenUnavailable(message)` (logged in one
 * line). Anything else, Next.js's own redirects included, is thrown on.
 */
export async function unlessUnavailable<T>(
  work: () => Promise<T>,
  whenUnavailable: (message: string) => T,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isDatabaseUnavailable(error)) throw error;
    logger("server-action").warn({ reason: (error as Error).message?.slice(0, 200) }, "database unavailable");
    return whenUnavailable(UNAVAILABLE_ACTION_MESSAGE);
  }
}

/** A button's action: its result, or the "temporarily unavailable" refusal. */
export function buttonAction(work: () => Promise<ActionResult>): Promise<ActionResult> {
  return unlessUnavailable(work, refused);
}

/**
 * A form whose action answers a state of its own (not field by field, unlike formAction): the handler gets the
 * signed-in user and the form; the database being unavailable becomes `unavailable(message, form)`.
 */
export function userFormAction<State>(
  options: { page: string; unavailable: (message: string, form: FormData) => State },
  handler: (user: SessionUser, form: FormData) => Promise<State>,
): (previous: State, form: unknown) => Promise<State> {
  return (_previous, form) => {
    const data = asForm(form);
    return unlessUnavailable(
      async () => handler(await requireUser(options.page), data),
      (message) => options.unavailable(message, data),
    );
  };
}

/** A button for the signed-in user, given its form: the handler's result, or the "temporarily unavailable" one. */
export function userButtonAction(
  page: string,
  handler: (user: SessionUser, form: FormData) => Promise<ActionResult>,
): (form: unknown) => Promise<ActionResult> {
  return (form) => buttonAction(async () => handler(await requireUser(page), asForm(form)));
}

/**
 * A button on a row of a dashboard list (revoke a key, remove an entry): the form's `id`, acted on for the
 * signed-in user only (the domain function scopes it to the user and answers something falsy when no row of the
 * user's matched), then the page is rendered again. `missing` is shown when nothing matched.
 */
export function rowAction(
  page: string,
  missing: string,
  handler: (user: SessionUser, id: string) => Promise<unknown>,
): (form: unknown) => Promise<ActionResult> {
  return userButtonAction(page, async (user, form) => {
    const id = idField(form);
    const found = id ? await handler(user, id) : false;
    if (!found) return refused(missing);
    revalidatePath(page);
    return DONE;
  });
}

/** A button that acts on the signed-in user's own account (e.g. cancel the plan), then renders the page again. */
export function accountAction(
  page: string,
  handler: (user: SessionUser) => Promise<ActionResult>,
): () => Promise<ActionResult> {
  return () =>
    buttonAction(async () => {
      const result = await handler(await requireUser(page));
      if (result.ok) revalidatePath(page);
      return result;
    });
}
