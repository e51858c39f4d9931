import { z } from "zod";

const page = z.coerce.number().int().min(0).max(10_000).catch(0);

/** A zero-based page number from a query string; anything odd means the first page. */
export function pageNumber(value: string | string[] | undefined): number {
  return page.parse(Array.isArray(value) ? value[0] : (value ?? 0));
}
