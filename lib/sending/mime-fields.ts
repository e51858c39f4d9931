import { z } from "zod";

import { isPublicHttpsUrl } from "@/lib/net/public-url";

/**
 * The fields of an email that become MIME header lines or parameters (custom headers, attachment names and
 * types): a line break or control character in them would start a header of the client's choosing, so they are
 * refused rather than encoded. Their strings are already clean text (lib/text.ts: no NUL, no lone surrogate).
 */

/** CR, LF and the other ASCII control characters (tab excepted, which headers may fold with). */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const HEADER_BREAK = /[\r\n]/;
// RFC 9110 token: what a header name may be.
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}$/;

/** Headers that would change who receives or sends the email, or its subject, behind the validated fields. */
export const RESERVED_HEADER_NAMES = ["to", "cc", "bcc", "from", "sender", "reply-to", "subject", "return-path"];

/**
 * Envelope and trace headers: they claim where the message was delivered or how it travelled (read by mail
 * servers and filters as the server's own word), or they rewrite the MIME structure Resend builds.
 */
export const ENVELOPE_HEADER_NAMES = [
  "delivered-to",
  "x-envelope-to",
  "x-envelope-from",
  "envelope-to",
  "x-original-to",
  "apparently-to",
  "received",
  "received-spf",
  "authentication-results",
  "arc-seal",
  "arc-message-signature",
  "arc-authentication-results",
  "dkim-signature",
  "return-receipt-to",
  "disposition-notification-to",
  "content-type",
  "content-transfer-encoding",
  "mime-version",
];

/** `Resent-To`, `Resent-From`, … (RFC 5322 §3.6.6): a resent message's own recipients and sender. */
const RESENT_PREFIX = "resent-";

export function isRefusedHeaderName(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    RESERVED_HEADER_NAMES.includes(lower) || ENVELOPE_HEADER_NAMES.includes(lower) || lower.startsWith(RESENT_PREFIX)
  );
}

export const headers = z
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
  .refine((value) => Object.keys(value).every((name) => !isRefusedHeaderName(name)), {
    error:
      "Invalid `headers` field: envelope, trace and MIME structure headers (Resent-*, Delivered-To, X-Envelope-To, Received, Content-Type …) are set by the mail servers",
  })
  .nullish();

/** A MIME parameter of an attachment: at most 255 characters, no line breaks or control characters. */
const mimeParameter = (field: string) =>
  z
    .string({ error: `Invalid \`attachments\` field: \`${field}\` must be a string` })
    .max(255, { error: `Invalid \`attachments\` field: \`${field}\` is longer than 255 characters` })
    .refine((v) => !CONTROL.test(v), {
      error: `Invalid \`attachments\` field: \`${field}\` must not contain line breaks or control characters`,
    })
    .optional();

export const attachment = z
  .object(
    {
      content: z
        .string({ error: "Invalid `attachments` field: `content` must be a base64 string" })
        .regex(/^[A-Za-z0-9+/=\s]*$/, {
          error: "Invalid `attachments` field: `content` must be base64",
        })
        .optional(),
      filename: mimeParameter("filename"),
      path: z
        .string({ error: "Invalid `attachments` field: `path` must be a string" })
        // Resend fetches it: only https to a public host (no file:, plain http or private networks). Its DNS
        // answers are checked before the email is admitted (checkAttachmentHosts).
        .refine(isPublicHttpsUrl, {
          error: "Invalid `attachments` field: `path` must be an https:// URL on a public host",
        })
        .optional(),
      content_type: mimeParameter("content_type"),
      content_id: mimeParameter("content_id"),
    },
    { error: "Invalid `attachments` field: each attachment is an object" },
  )
  .refine((a) => (a.content !== undefined && a.content !== "") || a.path !== undefined, {
    error: "Invalid `attachments` field: each attachment needs `content` or `path`",
  });
