const BASE = "http://mailkit.invalid";

/**
 * A same-site path to send someone to after sign-in, or the fallback. The value is normalised first (dot
 * segments, `%2e`, as a browser resolves them) and the result is checked: it must be a path of this origin that a
 * browser cannot read as another origin ("//evil.com", "/\\evil.com"), with no tabs, newlines or backslashes.
 */
export function safeRedirectPath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\s]/.test(value)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  const path = url.pathname + url.search + url.hash;
  return url.origin === BASE && isSameSitePath(path) ? path : fallback;
}

/** A normalised path that resolves to this origin and stays the same when resolved again. */
function isSameSitePath(path: string): boolean {
  if (!path.startsWith("/") || path.startsWith("//") || /[\\\s]/.test(path)) return false;
  const again = new URL(path, BASE);
  return again.origin === BASE && again.pathname + again.search + again.hash === path;
}
