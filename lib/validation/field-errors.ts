import type { z } from "zod";

/** Form field errors: the first message for each field (safe for client components: no server code). */
export type FieldErrors<K extends PropertyKey> = Partial<Record<K, string>>;

/** The first message of each field a zod error names. */
export function fieldErrorsOf<K extends PropertyKey>(error: z.ZodError, fields: readonly K[]): FieldErrors<K> {
  const errors: FieldErrors<K> = {};
  for (const issue of error.issues) {
    const field = fields.find((name) => name === issue.path[0]);
    if (field !== undefined) errors[field] ??= issue.message;
  }
  return errors;
}

/** The input as the schema reads it, or the schema's first message (for a form that shows one error). */
export function parseOrFirstError<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { ok: true; data: z.output<S> } | { ok: false; message: string } {
  const parsed = schema.safeParse(input);
  return parsed.success ? { ok: true, data: parsed.data } : { ok: false, message: parsed.error.issues[0]!.message };
}
