/** Formatting shared by pages and emails (fixed locale and time zone so servers and tests agree). */
export const formatNumber = (value: number) => value.toLocaleString("en-US");

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
