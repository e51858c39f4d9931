/** Text that PostgreSQL and mail can carry: no NUL character, no unpaired UTF-16 surrogate. */
export function isCleanText(value: string): boolean {
  return !value.includes("\0") && value.isWellFormed();
}

/** True when any string inside `value` (object keys included) is not clean text. Iterative: any depth is safe. */
export function containsUncleanText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (typeof item === "string") {
      if (!isCleanText(item)) return true;
    } else if (Array.isArray(item)) {
      stack.push(...item);
    } else if (item !== null && typeof item === "object") {
      for (const [key, child] of Object.entries(item)) {
        if (!isCleanText(key)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}
