import type { CreateEmailOptions } from "resend";

/**
 * What a message page shows of an email as MailKit handed it to Resend: the email's headers, the request (endpoint
 * and Idempotency-Key; the API key is never shown) and this email's JSON as it went in that request, with
 * attachment contents summarised by size, and the attachments listed. Pure: the page passes the stored payload
 * and the call that carried it.
 */

export type StoredPayload = Omit<Partial<CreateEmailOptions>, "attachments"> & {
  replyTo?: string | string[];
  headers?: Record<string, string>;
  tags?: { name: string; value: string }[];
  attachments?: { content?: string; filename?: string; path?: string; contentType?: string; contentId?: string }[];
  scheduledAt?: string;
};

export type AttachmentSummary = {
  name: string;
  type: string;
  /** Bytes after Base64 decoding; null for an attachment Resend fetches from a URL. */
  size: number | null;
  url: string | null;
};

export type MessageCall = { mode: string; idempotencyKey: string; members: number } | null;

export function attachmentsOf(payload: StoredPayload): AttachmentSummary[] {
  return (payload.attachments ?? []).map((a, index) => ({
    name: a.filename ?? fileNameOf(a.path) ?? `attachment-${index + 1}`,
    type: a.contentType ?? "not given (Resend infers it from the name)",
    size: typeof a.content === "string" ? base64Bytes(a.content) : null,
    url: a.path ?? null,
  }));
}

/** A size for people: bytes below 1 KB, then KB and MB with one decimal. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Decoded size of a Base64 string (whitespace ignored), without decoding it. */
export function base64Bytes(content: string): number {
  const clean = content.replace(/\s+/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

function fileNameOf(path: string | undefined): string | undefined {
  if (!path) return undefined;
  try {
    return decodeURIComponent(new URL(path).pathname.split("/").pop() ?? "") || undefined;
  } catch {
    return undefined;
  }
}

const list = (value: string | string[] | undefined) => (Array.isArray(value) ? value : value ? [value] : []);

/** The email's headers, one per line, as Resend builds the message from them. */
export function headerLines(payload: StoredPayload): string[] {
  const lines: string[] = [];
  if (payload.from) lines.push(`From: ${payload.from}`);
  if (list(payload.to).length) lines.push(`To: ${list(payload.to).join(", ")}`);
  if (list(payload.cc).length) lines.push(`Cc: ${list(payload.cc).join(", ")}`);
  if (list(payload.bcc).length) lines.push(`Bcc: ${list(payload.bcc).join(", ")}`);
  if (list(payload.replyTo).length) lines.push(`Reply-To: ${list(payload.replyTo).join(", ")}`);
  if (payload.subject !== undefined) lines.push(`Subject: ${payload.subject}`);
  for (const [name, value] of Object.entries(payload.headers ?? {})) lines.push(`${name}: ${value}`);
  return lines;
}

/** The request line and headers of the call to Resend (no Authorization value: it is MailKit's secret). */
export function requestLines(call: MessageCall): string[] {
  if (!call) return ["Not handed to Resend yet."];
  const endpoint = call.mode === "single" ? "POST /emails" : "POST /emails/batch";
  const lines = [
    endpoint,
    "Authorization: Bearer re_… (MailKit's key, not shown)",
    "Content-Type: application/json",
    `Idempotency-Key: ${call.idempotencyKey}`,
  ];
  if (call.mode === "batch") lines.push("x-batch-validation: permissive");
  if (call.mode !== "single") lines.push(`(this email is one of ${call.members} in the request)`);
  return lines;
}

/** The email's JSON in Resend's wire names, attachment contents replaced by their size. */
export function payloadJson(payload: StoredPayload): string {
  const wire: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (value === undefined) continue;
    const name = WIRE_NAMES[key] ?? key;
    wire[name] =
      key === "attachments" && Array.isArray(value)
        ? (value as NonNullable<StoredPayload["attachments"]>).map(({ content, ...rest }) => ({
            ...wireAttachment(rest),
            ...(typeof content === "string" ? { content: `<${base64Bytes(content)} bytes, Base64>` } : {}),
          }))
        : value;
  }
  return JSON.stringify(wire, null, 2);
}

const WIRE_NAMES: Record<string, string> = { replyTo: "reply_to", scheduledAt: "scheduled_at" };

function wireAttachment(a: { filename?: string; path?: string; contentType?: string; contentId?: string }) {
  return {
    ...(a.filename ? { filename: a.filename } : {}),
    ...(a.path ? { path: a.path } : {}),
    ...(a.contentType ? { content_type: a.contentType } : {}),
    ...(a.contentId ? { content_id: a.contentId } : {}),
  };
}
