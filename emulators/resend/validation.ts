import type { EmailApiOptions, Tag } from "resend";

import { errors, type ApiResult } from "./errors";
import type { StoredAttachment, ValidatedEmail } from "./types";

export type { ValidatedEmail };

/**
 * Validates a send request body the way Resend does: the first problem wins and its message names the field
 * (422 `missing_required_field` for absent fields, 422 `validation_error` for bad values).
 */

export type Validation = { ok: true; email: ValidatedEmail } | { ok: false; error: ApiResult };

export const MAX_RECIPIENTS = 50;
export const MAX_BATCH = 100;
const MAX_SCHEDULE_MS = 30 * 24 * 3600 * 1000; // "Emails can be scheduled up to 30 days in advance."
const TAG_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;
// A pragmatic RFC 5322 subset: dot-atom local part, a domain with at least one dot (as real mailboxes have).
const EMAIL = String.raw`[A-Za-z0-9.!#$%&'*+/=?^_\`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+`;
const BARE_ADDRESS = new RegExp(`^${EMAIL}$`);
const NAMED_ADDRESS = new RegExp(`^(?:"[^"\\r\\n]*"|[^<>"\\r\\n]*?)\\s*<(${EMAIL})>$`);
const FORMAT_HINT = "The email address needs to follow the `email@example.com` or `Name <email@example.com>` format.";

/** The bare address of `email@x` or `Name <email@x>`, lower-cased; undefined when the format is wrong. */
export function addressOf(value: string): string | undefined {
  const trimmed = value.trim();
  if (BARE_ADDRESS.test(trimmed)) return trimmed.toLowerCase();
  return NAMED_ADDRESS.exec(trimmed)?.[1]?.toLowerCase();
}

type Fields = Partial<Record<keyof EmailApiOptions, unknown>> & { react?: unknown };

export function validateEmail(
  body: unknown,
  { batch = false, index }: { batch?: boolean; index?: number } = {},
): Validation {
  const where = index === undefined ? "" : `emails[${index}]: `;
  const fail = (error: ApiResult): Validation => ({ ok: false, error });
  const invalid = (message: string) => fail(errors.validation(`${where}${message}`));

  if (typeof body !== "object" || body === null || Array.isArray(body))
    return invalid("The request body must be a JSON object.");
  const b = body as Fields;

  if (b.template !== undefined) {
    return invalid("The `template` field is not supported by the local emulator; send `html` or `text`.");
  }
  for (const field of ["from", "to", "subject"] as const) {
    if (b[field] === undefined || b[field] === null || b[field] === "") return fail(errors.missingField(field, where));
  }
  if (!isString(b.html) && !isString(b.text)) {
    return fail(errors.validation(`${where}Missing \`html\` or \`text\` field. Provide at least one of them.`));
  }
  if (b.html !== undefined && b.html !== null && !isString(b.html))
    return invalid("The `html` field must be a string.");
  if (b.text !== undefined && b.text !== null && !isString(b.text))
    return invalid("The `text` field must be a string.");

  if (!isString(b.from) || !addressOf(b.from)) return invalid(`Invalid \`from\` field. ${FORMAT_HINT}`);
  if (!isString(b.subject)) return invalid("The `subject` field must be a string.");

  const to = recipients(b.to, "to");
  if (typeof to === "string") return invalid(to);
  if (to === null || to.length === 0) return fail(errors.missingField("to", where));
  const cc = recipients(b.cc, "cc");
  if (typeof cc === "string") return invalid(cc);
  const bcc = recipients(b.bcc, "bcc");
  if (typeof bcc === "string") return invalid(bcc);
  const replyTo = recipients(b.reply_to, "reply_to");
  if (typeof replyTo === "string") return invalid(replyTo);

  const tags = parseTags(b.tags);
  if (typeof tags === "string") return invalid(tags);
  const headers = parseHeaders(b.headers);
  if (typeof headers === "string") return invalid(headers);

  let attachments: StoredAttachment[] | null = null;
  if (b.attachments !== undefined && b.attachments !== null) {
    if (batch) return invalid("The `attachments` field is not supported on the batch endpoint.");
    const parsed = parseAttachments(b.attachments);
    if ("error" in parsed) return fail(parsed.error);
    attachments = parsed.attachments;
  }

  let scheduledAt: string | null = null;
  if (b.scheduled_at !== undefined && b.scheduled_at !== null) {
    const when = isString(b.scheduled_at) ? parseSchedule(b.scheduled_at, Date.now()) : undefined;
    if (when === undefined)
      return invalid(
        "Invalid `scheduled_at` field. Use ISO 8601 (e.g. `2026-08-05T11:52:01.858Z`) or natural language like `in 1 min`.",
      );
    if (when - Date.now() > MAX_SCHEDULE_MS)
      return invalid("Invalid `scheduled_at` field. Emails can be scheduled up to 30 days in advance.");
    scheduledAt = new Date(when).toISOString();
  }
  if (b.topic_id !== undefined && b.topic_id !== null && !isString(b.topic_id))
    return invalid("The `topic_id` field must be a string.");

  return {
    ok: true,
    email: {
      from: b.from.trim(),
      to,
      cc,
      bcc,
      reply_to: replyTo,
      subject: b.subject,
      html: isString(b.html) ? b.html : null,
      text: isString(b.text) ? b.text : null,
      headers,
      tags,
      attachments,
      topic_id: isString(b.topic_id) ? b.topic_id : null,
      scheduled_at: scheduledAt,
    },
  };
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

/** string | string[] → trimmed array; null when absent; an error message when malformed. */
function recipients(value: unknown, field: string): string[] | null | string {
  if (value === undefined || value === null) return null;
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list)) return `The \`${field}\` field must be a string or an array of strings.`;
  if (list.length > MAX_RECIPIENTS)
    return `Too many recipients in the \`${field}\` field. The maximum is ${MAX_RECIPIENTS}.`;
  const out: string[] = [];
  for (const item of list) {
    if (typeof item !== "string" || !addressOf(item)) return `Invalid \`${field}\` field. ${FORMAT_HINT}`;
    out.push(item.trim());
  }
  return out;
}

function parseTags(value: unknown): Tag[] | null | string {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) return "The `tags` field must be an array of `{ name, value }` objects.";
  const tags: Tag[] = [];
  for (const tag of value) {
    const t = tag as Partial<Tag> | null;
    if (!t || typeof t.name !== "string" || typeof t.value !== "string")
      return "Each tag must have a string `name` and `value`.";
    if (!TAG_PATTERN.test(t.name) || !TAG_PATTERN.test(t.value)) {
      return "Tags should only contain ASCII letters, numbers, underscores, or dashes, and be at most 256 characters.";
    }
    tags.push({ name: t.name, value: t.value });
  }
  return tags;
}

function parseHeaders(value: unknown): Record<string, string> | null | string {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value))
    return "The `headers` field must be an object of string values.";
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") return `The \`headers.${name}\` value must be a string.`;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(v)) return `The \`headers.${name}\` header must not contain line breaks.`;
    headers[name] = v;
  }
  return headers;
}

function parseAttachments(value: unknown): { attachments: StoredAttachment[] } | { error: ApiResult } {
  if (!Array.isArray(value)) return { error: errors.validation("The `attachments` field must be an array.") };
  const attachments: StoredAttachment[] = [];
  for (const item of value) {
    const a = (item ?? {}) as { content?: unknown; path?: unknown; filename?: unknown; content_type?: unknown };
    const hasContent = typeof a.content === "string" && a.content !== "";
    if (!hasContent && typeof a.path !== "string") {
      return {
        error: {
          status: 422,
          body: {
            statusCode: 422,
            name: "invalid_attachment",
            message: "Attachment must have either a `content` or `path`.",
          },
        },
      };
    }
    attachments.push({
      filename: typeof a.filename === "string" ? a.filename : null,
      content_type: typeof a.content_type === "string" ? a.content_type : null,
      size: hasContent ? Buffer.from(a.content as string, "base64").length : null, // content itself is not kept
      path: typeof a.path === "string" ? a.path : null,
    });
  }
  return { attachments };
}

const UNITS_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** ISO 8601, or the simple natural-language form `in N minutes` (Resend accepts more; the emulator only this). */
export function parseSchedule(value: string, now: number): number | undefined {
  const natural = /^in\s+(\d+)\s*(s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?)$/i.exec(value.trim());
  if (natural) {
    const unit = natural[2]!.toLowerCase();
    const ms = unit.startsWith("s")
      ? UNITS_MS.s!
      : unit.startsWith("m")
        ? UNITS_MS.m!
        : unit.startsWith("h")
          ? UNITS_MS.h!
          : UNITS_MS.d!;
    return now + Number(natural[1]) * ms;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}
