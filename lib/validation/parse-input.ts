import type { z } from "zod";

import { apiErrors } from "@/lib/errors";

import { parseOrFirstError } from "./field-errors";

/** The input as the schema reads it, or a 422 `validation_error` with the schema's first message. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = parseOrFirstError(schema, input);
  if (!parsed.ok) throw apiErrors.validation({ name: "validation_error", message: parsed.message });
  return parsed.data;
}
