import { z } from "zod";

import { oneCursorAtMost, pageLimit } from "@/lib/validation/pagination";

import { SUPPRESSION_REASONS } from "./recipients";

/** Query and body of the public suppression endpoints (Resend's `suppressions.*` shapes, plus `search`). */

const cursor = (name: string) =>
  z
    .string()
    .max(64, { error: `The \`${name}\` cursor is not valid` })
    .regex(/^[A-Za-z0-9_-]+$/, { error: `The \`${name}\` cursor is not valid` });

export const listSuppressionsQuery = z
  .object({
    limit: pageLimit,
    after: cursor("after").optional(),
    before: cursor("before").optional(),
    origin: z
      .enum(SUPPRESSION_REASONS, { error: "The `origin` parameter must be bounce, complaint or manual" })
      .optional(),
    search: z.string().max(320, { error: "The `search` parameter is at most 320 characters" }).optional(),
  })
  .refine(...oneCursorAtMost);

export const addSuppressionBody = z.object({
  email: z.string({ error: "The `email` field is required" }).max(320, { error: "The `email` field is too long" }),
});

/** An id or an address in a path: anything else (NUL, huge strings…) is simply not found. */
export const suppressionRef = z
  .string()
  .min(1)
  .max(320)
  .regex(/^[^\s\u0000-\u001f<>"]+$/);
