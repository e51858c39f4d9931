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
