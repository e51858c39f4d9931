import { z } from "zod";

/**
 * Resend's cursor pagination, shared by every list endpoint: `limit` (1–100, default 20) and at most one of
 * `after` / `before` (ids of the listed resource; each endpoint says what its ids look like):
 *   z.object({ limit: pageLimit, after: id, before: id }).refine(...oneCursorAtMost)
 */
const LIMIT_MESSAGE = "The `limit` parameter must be an integer between 1 and 100";

export const pageLimit = z.coerce
  .number({ error: LIMIT_MESSAGE })
  .int({ error: LIMIT_MESSAGE })
  .min(1, { error: LIMIT_MESSAGE })
  .max(100, { error: LIMIT_MESSAGE })
  .default(20);

export const oneCursorAtMost = [
  (query: { after?: string; before?: string }) => !(query.after !== undefined && query.before !== undefined),
  { error: "Use either the `after` or the `before` parameter, not both" },
] as const;
