/** Formatting shared by pages and emails (fixed locale and time zone so servers and tests agree). */
/** Grouped digits (`12,345`); `options` for fraction digits and the like. */
export const formatNumber = (value: number, options?: Intl.NumberFormatOptions) =>
  value.toLocaleString("en-US", options);

/** `1 email`, `2,000 emails`: a count with its noun, plural when it is not one. */
export const formatCount = (count: number, noun: string) => `${formatNumber(count)} ${noun}${count === 1 ? "" : "s"}`;

export const formatDate = (date: Date | null | undefined) =>
  date ? date.toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" }) : "—";

/** To the second, in `timeZone` (UTC on the server; components/ui/local-time.tsx shows the reader's zone). */
export const formatDateTime = (date: Date | null | undefined, timeZone = "UTC") =>
  date
    ? date.toLocaleString("en-US", {
        year: "numeric",
        month: "short",
        day: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        timeZone,
        timeZoneName: "short",
      })
    : "—";

export const formatCents = (cents: number, currency = "USD") =>
  (cents / 100).toLocaleString("en-US", { style: "currency", currency });

/** A byte limit as people read it: "40 MB", "512 KB". */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Math.round(bytes / 1024 / 1024)} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
