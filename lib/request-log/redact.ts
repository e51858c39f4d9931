/**
 * What the request log keeps of a request body: its shape and fields, never a secret or the message itself.
 * Secret-looking fields are replaced, message content (html, text, attachments' content) becomes its length,
 * long strings and arrays are cut, and the whole is bounded so one request cannot bloat the log.
 */

const SECRET_FIELD = /secret|password|passwd|token|api[_-]?key|authorization|credential|private[_-]?key/i;
/** Fields whose value is the message itself (Resend's names) or an attachment's bytes. */
const CONTENT_FIELDS = new Set(["html", "text", "content", "react"]);
const MAX_STRING = 500;
const MAX_ARRAY = 50;
const MAX_DEPTH = 8;
export const MAX_LOGGED_BODY_BYTES = 8 * 1024;

export const REDACTED = "[redacted]";

export function redactRequestBody(body: unknown): unknown {
  if (body === undefined) return null;
  const redacted = redactValue(body, 0);
  const size = Buffer.byteLength(JSON.stringify(redacted) ?? "");
  if (size <= MAX_LOGGED_BODY_BYTES) return redacted;
  return { _truncated: `The redacted body was ${size} bytes; the log keeps ${MAX_LOGGED_BODY_BYTES}.` };
}

function redactValue(value: unknown, depth: number): unknown {
  if (typeof value === "string")
    return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}… (${value.length} characters)` : value;
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[nested too deep]";
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ARRAY).map((item) => redactValue(item, depth + 1));
    return value.length > MAX_ARRAY ? [...kept, `… ${value.length - MAX_ARRAY} more`] : kept;
  }
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(value as Record<string, unknown>)) {
    if (SECRET_FIELD.test(name)) out[name] = REDACTED;
    else if (CONTENT_FIELDS.has(name.toLowerCase())) out[name] = contentSummary(field);
    else out[name] = redactValue(field, depth + 1);
  }
  return out;
}

/** Message content is logged as its size only. */
function contentSummary(value: unknown): string {
  if (typeof value === "string") return `[redacted: ${value.length} characters]`;
  if (Array.isArray(value)) return `[redacted: ${value.length} items]`;
  return value === null || value === undefined ? String(value) : REDACTED;
}
