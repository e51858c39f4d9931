import { z } from "zod";

import { oneCursorAtMost, pageLimit } from "@/lib/validation/pagination";

/**
 * An email id in a path or cursor: MailKit's ids are UUIDs, but any short token of letters, digits, `_` and `-`
 * is let through to the lookup (which then answers 404). Anything else (NUL, `%`, slashes, 10 KB) is refused early.
 */
const EMAIL_ID = /^[A-Za-z0-9_-]{1,128}$/;
export const emailId = z.string().regex(EMAIL_ID, { error: "Invalid email id" });

/** GET /emails query (Resend's cursor pagination). */
const cursor = (name: string) =>
  z
    .string()
    .regex(EMAIL_ID, { error: `The \`${name}\` parameter must be an email id` })
    .optional();
export const listEmailsQuery = z
  .object({ limit: pageLimit, after: cursor("after"), before: cursor("before") })
  .refine(...oneCursorAtMost);
export type ListEmailsQuery = z.output<typeof listEmailsQuery>;
