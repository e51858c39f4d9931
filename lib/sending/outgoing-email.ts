/**
 * The email lib/sending sends, whichever way it came in (the public API's wire format, lib/sending/wire-schema.ts,
 * or the dashboard composer, lib/sending/composer-schema.ts), and the limits both ways apply.
 */

export const MAX_RECIPIENTS_PER_FIELD = 50; // Resend's limit for `to` (MailKit applies it to cc and bcc too)
export const MAX_SUBJECT_LENGTH = 998; // RFC 5322 line limit
/** A line break, which a subject (one header line) must not contain. */
export const HEADER_BREAK = /[\r\n]/;

/** camelCase, lists always arrays. */
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
  /** When Resend should send it (ISO 8601, not in the past); absent: now. */
  scheduledAt?: string;
};
