import { z } from "zod";

import { fieldErrorsOf } from "@/lib/validation/field-errors";
import { singleMailbox } from "@/lib/mail/mailbox";
import { ADDRESS_FORMAT_HINT, withoutRepeatedRecipients } from "@/lib/mail/recipients";
import { isCleanText } from "@/lib/text";

import { HEADER_BREAK, MAX_RECIPIENTS_PER_FIELD, MAX_SUBJECT_LENGTH, type OutgoingEmail } from "./outgoing-email";

/** The dashboard composer's form: what the user typed, read into the same OutgoingEmail as an API request. */

/** Recipients typed into one box: separated by commas, semicolons or new lines. */
export function splitRecipients(value: string): string[] {
  return value
    .split(/[,;\n]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const composerForm = z
  .object({
    from: z
      .string()
      .trim()
      .min(1, { error: "Enter a sender" })
      .refine((v) => singleMailbox(v) !== undefined, { error: `Enter a valid sender (${ADDRESS_FORMAT_HINT})` }),
    to: z
      .string()
      .transform(splitRecipients)
      .pipe(
        z
          .array(
            z.string().refine((v) => singleMailbox(v) !== undefined, {
              error: "One of the recipients is not a valid email address",
            }),
          )
          .min(1, { error: "Enter at least one recipient" })
          .max(MAX_RECIPIENTS_PER_FIELD, { error: `At most ${MAX_RECIPIENTS_PER_FIELD} recipients` }),
      ),
    subject: z
      .string()
      .trim()
      .min(1, { error: "Enter a subject" })
      .max(MAX_SUBJECT_LENGTH, { error: "The subject is too long" })
      .refine((v) => !HEADER_BREAK.test(v) && isCleanText(v), { error: "The subject must be a single line of text" }),
    format: z.preprocess(
      (value) => (value === "" ? "text" : value),
      z.enum(["html", "text"], { error: "Choose HTML or plain text" }),
    ),
    body: z
      .string()
      .trim()
      .min(1, { error: "Write a message" })
      .max(500_000, { error: "The message is too long" })
      .refine(isCleanText, { error: "The message contains characters that cannot be sent (NUL or broken Unicode)" }),
  })
  .transform((f): OutgoingEmail => ({
    from: f.from,
    to: withoutRepeatedRecipients({ to: f.to, cc: [], bcc: [] }).to,
    cc: [],
    bcc: [],
    replyTo: [],
    subject: f.subject,
    ...(f.format === "html" ? { html: f.body } : { text: f.body }),
  }));

export const COMPOSER_FIELDS = ["from", "to", "subject", "format", "body"] as const;
export type ComposerFieldErrors = Partial<Record<(typeof COMPOSER_FIELDS)[number], string>>;

/** The composer's form data → an email, or one message per field. */
export function parseComposerForm(
  form: FormData,
): { ok: true; value: OutgoingEmail } | { ok: false; fieldErrors: ComposerFieldErrors } {
  const values = Object.fromEntries(COMPOSER_FIELDS.map((name) => [name, String(form.get(name) ?? "")]));
  const parsed = composerForm.safeParse(values);
  if (parsed.success) return { ok: true, value: parsed.data };
  return { ok: false, fieldErrors: fieldErrorsOf(parsed.error, COMPOSER_FIELDS) };
}
