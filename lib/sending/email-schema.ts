import emailAddresses from "email-addresses";
import { z } from "zod";

import { oneCursorAtMost, pageLimit } from "@/lib/api/pagination";
import { fieldErrorsOf } from "@/lib/http/field-errors";
import { isPublicHttpsUrl } from "@/lib/net/public-url";
import { containsUncleanText, isCleanText } from "@/lib/text";

import { ADDRESS_FORMAT_HINT, bareAddress } from "./recipients";
import { SEND_STATUSES } from "./status";

export { isCleanText };

/**
 * Request schemas for sending, shared by the public API, the dashboard composer and tests.
 * The API body is Resend's wire format (snake_case), so the official SDK's requests validate as they are;
 * every schema turns it into one OutgoingEmail, the shape lib/sending works with.
 */

export const MAX_RECIPIENTS_PER_FIELD = 50; // Resend's limit for `to` (MailKit applies it to cc and bcc too)
export const MAX_BATCH_SIZE = 100;
export const MAX_SUBJECT_LENGTH = 998; // RFC 5322 line limit
/** MailKit's own tag on every email it hands to Resend (webhooks find the send by it); customers cannot use it. */
export const SEND_ID_TAG = "mailkit_send_id";

const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
const HEADER_BREAK = /[\r\n]/;
// RFC 9110 token: what a header name may be.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;
/** Headers that would change who receives or sends the email, or its subject, behind the validated fields. */
export const RESERVED_HEADER_NAMES = ["to", "cc", "bcc", "from", "sender", "reply-to", "subject", "return-path"];

/** The fields of an email whose strings are checked for NUL and lone surrogates (Postgres and SMTP refuse them). */
const TEXT_FIELDS = ["from", "to", "cc", "bcc", "reply_to", "subject", "html", "text", "headers", "tags"] as const;

/**
 * One mailbox (`email@example.com` or `Name <email@example.com>`), parsed by an RFC 5322 parser, as the bare
 * lower-cased address that is charged; undefined for anything else — a list (`a@x.com, b@x.com <c@x.com>`),
 * a group, or an address MailKit's cost rule would read differently. So what is forwarded is exactly what is charged.
 */
export function singleMailbox(value: string): string | undefined {
  const trimmed = value.trim();
  if (!isCleanText(trimmed)) return undefined;
  const parsed = emailAddresses.parseOneAddress({ input: trimmed, rfc6532: true });
  if (!parsed || parsed.type !== "mailbox") return undefined;
  const bare = bareAddress(trimmed);
  return bare !== undefined && bare === parsed.address.toLowerCase() ? bare : undefined;
}

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

const headers = z
  .record(z.string(), z.string({ error: "Invalid `headers` field: every header value must be a string" }), {
    error: "The `headers` field must be an object of string values",
  })
  .refine((value) => Object.keys(value).every((name) => HEADER_NAME.test(name)), {
    error: "Invalid `headers` field: header names contain only letters, digits and !#$%&'*+-.^_`|~",
  })
  .refine((value) => Object.values(value).every((v) => !HEADER_BREAK.test(v)), {
    error: "Invalid `headers` field: values must not contain line breaks",
  })
  .refine((value) => Object.keys(value).every((name) => !RESERVED_HEADER_NAMES.includes(name.toLowerCase())), {
    error:
      "Invalid `headers` field: use the `from`, `to`, `cc`, `bcc`, `reply_to` and `subject` fields instead of headers that set them",
  })
  .nullish();

const attachment = z
  .object(
    {
      content: z
        .string({ error: "Invalid `attachments` field: `content` must be a base64 string" })
        .regex(/^[A-Za-z0-9+/=\s]*$/, {
          error: "Invalid `attachments` field: `content` must be base64",
        })
        .optional(),
      filename: z.string({ error: "Invalid `attachments` field: `filename` must be a string" }).max(255).optional(),
      path: z
        .string({ error: "Invalid `attachments` field: `path` must be a string" })
        // Resend fetches it: only https to a public host (no file:, plain http or private networks).
        .refine(isPublicHttpsUrl, {
          error: "Invalid `attachments` field: `path` must be an https:// URL on a public host",
        })
        .optional(),
      content_type: z.string().max(255).optional(),
      content_id: z.string().max(255).optional(),
    },
    { error: "Invalid `attachments` field: each attachment is an object" },
  )
  .refine((a) => (a.content !== undefined && a.content !== "") || a.path !== undefined, {
    error: "Invalid `attachments` field: each attachment needs `content` or `path`",
  });

/** Resend schedules emails up to 30 days ahead. */
export const MAX_SCHEDULE_MS = 30 * 24 * 3600_000;

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

/** The email lib/sending sends (camelCase, lists always arrays). */
export type OutgoingEmail = {
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  attachments?: { content?: string; filename?: string; path?: string; contentType?: string; contentId?: string }[];
  /** When Resend should send it (ISO 8601); absent: now. A time already past is sent at once. */
  scheduledAt?: string;
};

function toOutgoing(e: z.output<typeof wireEmail>): OutgoingEmail {
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
  const unclean = TEXT_FIELDS.find((field) => containsUncleanText((body as Record<string, unknown>)[field]));
  if (unclean) {
    const message = `${where}Invalid \`${unclean}\` field: it must not contain NUL characters or unpaired UTF-16 surrogates`;
    return { ok: false, error: { name: "validation_error", message } };
  }
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

// ---- The dashboard composer -------------------------------------------------------------------------------

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
    to: f.to,
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

// ---- The message log --------------------------------------------------------------------------------------

export const messageLogQuery = z.object({
  status: z.enum(SEND_STATUSES).optional().catch(undefined),
  page: z.coerce.number().int().min(1).catch(1).default(1),
});
