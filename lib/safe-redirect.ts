/**
 * A same-site path to send someone to after sign-in, or the fallback. Rejects anything a browser could read
 * as another origin: "//evil.com", "/\\evil.com", tabs or newlines, absolute URLs.
 */
export function safeRedirectPath(value: unknown, fallback = "/dashboard"): string {
  if (typeof value !== "string" || !value.startsWith("/") || /[\\\s]/.test(value)) return fallback;
  const url = new URL(value, "http://mailkit.invalid");
  if (url.origin !== "http://mailkit.invalid") return fallback;
  return url.pathname + url.search + url.hash;
}
