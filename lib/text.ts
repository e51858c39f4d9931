/**
 * MailKit's one text rule for input: every string a client sends (bodies, query strings, path segments, form
 * fields, object keys) is text that PostgreSQL and mail can carry — no NUL character, no unpaired UTF-16
 * surrogate. The edges (lib/http) apply it to the whole input before any schema reads it, so no schema needs
 * its own list of fields.
 */
export function isCleanText(value: string): boolean {
  return !value.includes("\0") && value.isWellFormed();
}

/**
 * `value` made clean for storing what was refused: each NUL character and unpaired surrogate becomes U+FFFD, at any
 * depth, object keys included (PostgreSQL's jsonb refuses both).
 */
export function cleanedText<T>(value: T): T {
  if (typeof value === "string") return value.replaceAll("\0", "\uFFFD").toWellFormed() as T;
  if (Array.isArray(value)) return value.map((item) => cleanedText(item)) as T;
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [cleanedText(key), cleanedText(item)])) as T;
}

/** True when any string inside `value` (object keys included) is not clean text. */
export function containsUncleanText(value: unknown): boolean {
  return uncleanTextPath(value) !== undefined;
}

export type TextPath = (string | number)[];

/**
 * Where the first string that is not clean text sits inside `value` (object keys included: the path then ends at
 * that key), or undefined. Iterative, so any nesting depth is safe.
 */
export function uncleanTextPath(value: unknown): TextPath | undefined {
  const stack: { item: unknown; path: TextPath }[] = [{ item: value, path: [] }];
  while (stack.length) {
    const { item, path } = stack.pop()!;
    if (typeof item === "string") {
      if (!isCleanText(item)) return path;
    } else if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push({ item: item[i], path: [...path, i] });
    } else if (item !== null && typeof item === "object") {
      const entries = Object.entries(item);
      for (const [key] of entries) if (!isCleanText(key)) return [...path, printable(key)];
      for (let i = entries.length - 1; i >= 0; i--)
        stack.push({ item: entries[i]![1], path: [...path, entries[i]![0]] });
    }
  }
  return undefined;
}

/** `attachments[0].filename`: a path as a client would write it (non-ASCII shown as `?`, at most 100 characters). */
export function formatTextPath(path: TextPath): string {
  const text = path
    .map((part, i) => (typeof part === "number" ? `[${part}]` : i === 0 ? printable(part) : `.${printable(part)}`))
    .join("");
  return text.length > 100 ? `${text.slice(0, 97)}...` : text;
}

/** The refusal for unclean text at `path`, naming the top-level field first (what a client looks for). */
export function uncleanTextMessage(path: TextPath): string {
  // A batch (an array body) names the item first, as its other refusals do: `emails[1]: Invalid `subject` …`.
  if (typeof path[0] === "number") return `emails[${path[0]}]: ${uncleanTextMessage(path.slice(1))}`;
  const where = path.length === 0 ? "The request body" : `Invalid \`${formatTextPath(path.slice(0, 1))}\` field`;
  const at = path.length > 1 ? ` (at \`${formatTextPath(path)}\`)` : "";
  return `${where}${at}: it must not contain NUL characters or unpaired UTF-16 surrogates`;
}

function printable(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?");
}
