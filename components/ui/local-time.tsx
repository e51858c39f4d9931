"use client";

import { formatDateTime } from "@/lib/format";

import { useMounted } from "./use-mounted";

/**
 * A moment to the second in the reader's own time zone (named). The server does not know that zone, so it
 * renders UTC, and the browser replaces it after hydration; <time dateTime> keeps the exact instant.
 */
export function LocalTime({ date }: { date: Date | string }) {
  const at = typeof date === "string" ? new Date(date) : date;
  const local = useMounted();
  return (
    <time dateTime={at.toISOString()} suppressHydrationWarning>
      {local ? formatDateTime(at, Intl.DateTimeFormat().resolvedOptions().timeZone) : formatDateTime(at)}
    </time>
  );
}
