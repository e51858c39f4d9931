import { formatBytes } from "@/lib/format";

/**
 * Bounded request bodies. Every route that reads a body reads it through here, so a client can never make the
 * server hold more than `limitBytes` of it: the declared Content-Length is checked first, and a chunked body is
 * counted while it streams and abandoned (the rest is never read) as soon as it passes the limit.
 * JSON is parsed only after its nesting depth is checked, so deep input cannot overflow the stack later
 * (in JSON.parse itself, or in code that walks the value recursively, like the Idempotency-Key hash).
 */

/** The body is larger than the route accepts (answer 413). */
export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${formatBytes(limitBytes)}.`);
  }
}

/** The body is not JSON, or nests deeper than allowed (answer 400). */
export class InvalidJsonError extends Error {
  override name = "InvalidJsonError";
  constructor(
    readonly reason: "syntax" | "depth",
    message: string,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_JSON_DEPTH = 64;

/** Limits used by MailKit's routes (Resend accepts 40 MB emails; webhooks are small; forms are tiny). */
export const BODY_LIMITS = {
  publicApi: 40 * 1024 * 1024,
  webhook: 256 * 1024,
  form: 16 * 1024,
} as const;

/** The raw body as bytes, or BodyTooLargeError without reading past the limit. */
export async function readBodyBytes(request: Request, { limitBytes }: { limitBytes: number }): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await request.body?.cancel().catch(() => undefined);
    throw new BodyTooLargeError(limitBytes);
  }
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limitBytes) {
      // Stop here: cancelling tells the server to drop the rest instead of buffering it.
      await reader.cancel().catch(() => undefined);
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** The raw body as text (UTF-8, like Request.text()), for signature checks over the exact bytes sent. */
export async function readBodyText(request: Request, options: { limitBytes: number }): Promise<string> {
  return bodyText(await readBodyBytes(request, options));
}

const utf8 = new TextDecoder();

/** Bytes as UTF-8 text, as Request.text() reads them (malformed sequences become U+FFFD). */
export function bodyText(bytes: Uint8Array): string {
  return utf8.decode(bytes);
}

/** What a body is read from, bounded: an EdgeRequest (lib/http/edge.ts), for a web Request or Node's own. */
export type BodySource = { readBody(limitBytes: number): Promise<Uint8Array> };

/** The body parsed as JSON with bounded size and depth; throws BodyTooLargeError or InvalidJsonError. */
export async function readJsonBody(
  source: BodySource,
  { limitBytes, maxDepth = DEFAULT_MAX_JSON_DEPTH }: { limitBytes: number; maxDepth?: number },
): Promise<unknown> {
  return parseJsonBounded(bodyText(await source.readBody(limitBytes)), maxDepth);
}

/** JSON.parse, refusing input nested deeper than `maxDepth` arrays/objects (checked before parsing). */
export function parseJsonBounded(text: string, maxDepth = DEFAULT_MAX_JSON_DEPTH): unknown {
  if (jsonDepth(text) > maxDepth) {
    throw new InvalidJsonError("depth", `The request body nests deeper than ${maxDepth} levels.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidJsonError("syntax", "The request body is not valid JSON.");
  }
}

/** The deepest nesting of [ and { outside strings (a linear scan; malformed input is left to JSON.parse). */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}
