import { z } from "zod";

import { singleMailbox } from "@/lib/mail/mailbox";
import { ADDRESS_FORMAT_HINT, withoutRepeatedRecipients } from "@/lib/mail/recipients";
import { SEND_ID_TAG } from "@/lib/mail/send-tag";
import { uncleanTextMessage, uncleanTextPath } from "@/lib/text";

import { attachment, headers } from "./mime-fields";
import { HEADER_BREAK, MAX_RECIPIENTS_PER_FIELD, MAX_SUBJECT_LENGTH, type OutgoingEmail } from "./outgoing-email";

/**
 * The public API's request body for POST /emails and POST /emails/batch. It is Resend's wire format (snake_case),
 * so the official SDK's requests validate as they are; each email becomes one OutgoingEmail.
 */

export const MAX_BATCH_SIZE = 100;

const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

const address = (field: string) =>
  z
    .string({ error: `Invalid \`${field}\` field: each address must be a string` })
    .trim()
    .refine((value) => singleMailbox(value) !== undefined, {
      error: `Invalid \`${field}\` field: ${ADDRESS_FORMAT_HINT} (one address per entry)`,
    });

/** A string or an array of strings (as Resend accepts), normalised to an array. */
const addressList = (field: string) =>
  z.preprocess(
    (value) => (value === null || value === undefined ? [] : typeof value === "string" ? [value] : value),
    z
      .array(address(field), { error: `The \`${field}\` field must be an email address or an array of them` })
      .max(MAX_RECIPIENTS_PER_FIELD, {
        error: `Too many recipients in the \`${field}\` field: the maximum is ${MAX_RECIPIENTS_PER_FIELD}`,
      }),
  );

const optionalText = (field: string) => z.string({ error: `The \`${field}\` field must be a string` }).nullish();

const tags = z
  .array(
    z.object(
      {
        name: z
          .string({ error: "Each tag needs a string `name`" })
          .regex(TAG_PATTERN, {
            error: "Invalid `tags` field: names contain only ASCII letters, digits, `_` or `-` (at most 256)",
          })
          .refine((name) => name !== SEND_ID_TAG, {
            error: `Invalid \`tags\` field: the tag name \`${SEND_ID_TAG}\` is reserved by MailKit`,
          }),
        value: z.string({ error: "Each tag needs a string `value`" }).regex(TAG_PATTERN, {
          error: "Invalid `tags` field: values contain only ASCII letters, digits, `_` or `-` (at most 256)",
        }),
      },
      { error: "Invalid `tags` field: each tag is an object `{ name, value }`" },
    ),
    { error: "The `tags` field must be an array of `{ name, value }` objects" },
  )
  .max(50, { error: "Too many tags: the maximum is 50" })
  .nullish();

/** Resend schedules emails up to 30 days ahead. */
export const MAX_SCHEDULE_MS = 30 * 24 * 3600_000;
/** A `scheduled_at` may lag the server's clock by this much (the client's clock, the request's time in flight). */
export const SCHEDULE_CLOCK_SKEW_MS = 60_000;

/** One email of POST /emails or of a batch, in Resend's wire format. Unknown fields are ignored, as Resend does. */
export const wireEmail = z
  .object({
    from: address("from"),
    to: addressList("to"),
    cc: addressList("cc"),
    bcc: addressList("bcc"),
    reply_to: addressList("reply_to"),
    subject: z
      .string({ error: "The `subject` field must be a string" })
      .max(MAX_SUBJECT_LENGTH, {
        error: `The \`subject\` field is too long: the maximum is ${MAX_SUBJECT_LENGTH} characters`,
      })
      .refine((v) => !HEADER_BREAK.test(v), { error: "Invalid `subject` field: it must not contain line breaks" }),
    html: optionalText("html"),
    text: optionalText("text"),
    headers,
    tags,
    attachments: z
      .array(attachment, { error: "The `attachments` field must be an array" })
      .max(20, { error: "Too many attachments: the maximum is 20" })
      .nullish(),
    scheduled_at: z.iso
      .datetime({
        offset: true,
        error: "Invalid `scheduled_at` field. Use ISO 8601 with a time zone (e.g. `2026-08-05T11:52:01.858Z`).",
      })
      // A time in the past (e.g. year 0, which PostgreSQL cannot store) is refused, not sent at once.
      .refine((v) => Date.parse(v) >= Date.now() - SCHEDULE_CLOCK_SKEW_MS, {
        error: "Invalid `scheduled_at` field. The date must be in the future.",
      })
      .refine((v) => Date.parse(v) - Date.now() <= MAX_SCHEDULE_MS, {
        error: "Invalid `scheduled_at` field. Emails can be scheduled up to 30 days in advance.",
      })
      .nullish(),
    template: z.null({ error: "The `template` field is not supported: send `html` or `text`" }).optional(),
  })
  .refine((e) => !!e.html || !!e.text, {
    error: "Missing `html` or `text` field: provide at least one of them",
    path: ["html"],
  })
  .refine((e) => e.to.length > 0, { error: "Missing `to` field.", path: ["to"] });

function toOutgoing(wire: z.output<typeof wireEmail>): OutgoingEmail {
  const e = withoutRepeatedRecipients(wire);
  return {
    from: e.from,
    to: e.to,
    cc: e.cc,
    bcc: e.bcc,
    replyTo: e.reply_to,
    subject: e.subject,
    ...(e.html ? { html: e.html } : {}),
    ...(e.text ? { text: e.text } : {}),
    ...(e.headers && Object.keys(e.headers).length ? { headers: e.headers } : {}),
    ...(e.tags?.length ? { tags: e.tags } : {}),
    ...(e.scheduled_at ? { scheduledAt: new Date(e.scheduled_at).toISOString() } : {}),
    ...(e.attachments?.length
      ? {
          attachments: e.attachments.map((a) => ({
            ...(a.content ? { content: a.content.replace(/\s+/g, "") } : {}),
            ...(a.filename ? { filename: a.filename } : {}),
            ...(a.path ? { path: a.path } : {}),
            ...(a.content_type ? { contentType: a.content_type } : {}),
            ...(a.content_id ? { contentId: a.content_id } : {}),
          })),
        }
      : {}),
  };
}

/** A validation failure in Resend's vocabulary (422), with a message naming the field. */
export type ValidationFailure = { name: "missing_required_field" | "validation_error"; message: string };
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: ValidationFailure };

export const REQUIRED_FIELDS = ["from", "to", "subject"] as const;

function missingField(body: Record<string, unknown>, where: string): ValidationFailure | undefined {
  for (const field of REQUIRED_FIELDS) {
    const value = body[field];
    if (value === undefined || value === null || value === "" || (Array.isArray(value) && value.length === 0)) {
      return { name: "missing_required_field", message: `${where}Missing \`${field}\` field.` };
    }
  }
  return undefined;
}

function describe(error: z.ZodError, where: string): ValidationFailure {
  const issue = error.issues[0]!;
  return { name: "validation_error", message: `${where}${issue.message}` };
}

function parseOne(body: unknown, where: string, { batch }: { batch: boolean }): Parsed<OutgoingEmail> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { ok: false, error: { name: "validation_error", message: `${where}The email must be a JSON object.` } };
  }
  const missing = missingField(body as Record<string, unknown>, where);
  if (missing) return { ok: false, error: missing };
  // The text rule over every field (Postgres and SMTP refuse NUL and lone surrogates), before the schema reads any.
  const uncleanAt = uncleanTextPath(body);
  if (uncleanAt)
    return { ok: false, error: { name: "validation_error", message: where + uncleanTextMessage(uncleanAt) } };
  const parsed = wireEmail.safeParse(body);
  if (!parsed.success) return { ok: false, error: describe(parsed.error, where) };
  // Resend's batch endpoint takes neither: such emails go through POST /emails, one call each.
  for (const field of ["attachments", "scheduled_at"] as const) {
    const value = parsed.data[field];
    if (batch && (Array.isArray(value) ? value.length : value)) {
      return {
        ok: false,
        error: {
          name: "validation_error",
          message: `${where}The \`${field}\` field is not supported on the batch endpoint.`,
        },
      };
    }
  }
  return { ok: true, value: toOutgoing(parsed.data) };
}

/** POST /emails body. */
export function parseSendEmailBody(body: unknown): Parsed<OutgoingEmail> {
  return parseOne(body, "", { batch: false });
}

/** POST /emails/batch body: 1–100 emails, all valid or none sent. */
export function parseBatchBody(body: unknown): Parsed<OutgoingEmail[]> {
  if (!Array.isArray(body))
    return { ok: false, error: { name: "validation_error", message: "The request body must be an array of emails." } };
  if (body.length === 0)
    return { ok: false, error: { name: "validation_error", message: "The batch must contain at least one email." } };
  if (body.length > MAX_BATCH_SIZE) {
    return {
      ok: false,
      error: { name: "validation_error", message: `Too many emails in the batch: the maximum is ${MAX_BATCH_SIZE}.` },
    };
  }
  const emails: OutgoingEmail[] = [];
  for (const [index, item] of body.entries()) {
    const parsed = parseOne(item, `emails[${index}]: `, { batch: true });
    if (!parsed.ok) return parsed;
    emails.push(parsed.value);
  }
  return { ok: true, value: emails };
}
