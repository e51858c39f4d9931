import { sql } from "@/lib/db";

/**
 * Deliverability: per day (UTC) and per sender domain, what Resend reported for the customer's mail — delivered,
 * bounced and complained recipients, and emails opened and clicked (when the domain tracks them) — with the rates
 * mailbox providers act on. Counted from the delivery events (EmailEvent), by recipient.
 *
 * bounce rate    = bounced / (delivered + bounced)    (providers start refusing around 4 %; Resend reviews at 4 %)
 * complaint rate = complained / delivered             (Gmail and Yahoo require staying under 0.3 %)
 */

export const THRESHOLDS = { bounceRate: 0.04, complaintRate: 0.003 } as const;
export const DELIVERABILITY_DAYS = [7, 30, 90] as const;

export type DeliverabilityRow = {
  day: string; // YYYY-MM-DD (UTC)
  domain: string;
  delivered: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
};

export type Totals = Omit<DeliverabilityRow, "day" | "domain"> & { bounceRate: number; complaintRate: number };

const TRACKED = ["email.delivered", "email.bounced", "email.complained", "email.opened", "email.clicked"];

// The sender's domain: what follows the last "@" of `from` ("Acme <hello@acme.test>" or "hello@acme.test").
const QUERY = `
SELECT to_char(date_trunc('day', ev."occurredAt"), 'YYYY-MM-DD') AS "day",
       lower(substring(s."fromAddress" FROM '@([^@<>[:space:]]+)>?[[:space:]]*$')) AS "domain",
       sum(CASE WHEN ev."type" = 'email.delivered' THEN GREATEST(cardinality(ev."recipients"), 1) ELSE 0 END)::int AS "delivered",
       sum(CASE WHEN ev."type" = 'email.bounced' THEN GREATEST(cardinality(ev."recipients"), 1) ELSE 0 END)::int AS "bounced",
       sum(CASE WHEN ev."type" = 'email.complained' THEN GREATEST(cardinality(ev."recipients"), 1) ELSE 0 END)::int AS "complained",
       count(DISTINCT CASE WHEN ev."type" = 'email.opened' THEN ev."sendId" END)::int AS "opened",
       count(DISTINCT CASE WHEN ev."type" = 'email.clicked' THEN ev."sendId" END)::int AS "clicked"
  FROM "EmailEvent" ev JOIN "EmailSend" s ON s."id" = ev."sendId"
 WHERE s."userId" = $1 AND ev."occurredAt" >= $2 AND ev."type" = ANY($3::text[])
 GROUP BY 1, 2
 ORDER BY 1, 2`;

/** The customer's rows of the last `days` days (today included), one per day and sender domain with events. */
export async function deliverabilityRows(userId: string, days: number): Promise<DeliverabilityRow[]> {
  return sql<DeliverabilityRow>(QUERY, [userId, startOfWindow(days), TRACKED]);
}

/** Midnight UTC, `days - 1` days before today. */
export function startOfWindow(days: number, now = new Date()): Date {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  start.setUTCDate(start.getUTCDate() - (days - 1));
  return start;
}

export function withRates<T extends Omit<DeliverabilityRow, "day" | "domain">>(
  row: T,
): T & {
  bounceRate: number;
  complaintRate: number;
} {
  const attempted = row.delivered + row.bounced;
  return {
    ...row,
    bounceRate: attempted ? row.bounced / attempted : 0,
    complaintRate: row.delivered ? row.complained / row.delivered : 0,
  };
}

export function totalsOf(rows: DeliverabilityRow[]): Totals {
  const sum = { delivered: 0, bounced: 0, complained: 0, opened: 0, clicked: 0 };
  for (const row of rows) for (const key of Object.keys(sum) as (keyof typeof sum)[]) sum[key] += row[key];
  return withRates(sum);
}

/** One point per day of the window (days without events are zero), for the chart. */
export function dailySeries(rows: DeliverabilityRow[], days: number, now = new Date()) {
  const byDay = new Map<string, DeliverabilityRow[]>();
  for (const row of rows) byDay.set(row.day, [...(byDay.get(row.day) ?? []), row]);
  const start = startOfWindow(days, now);
  return Array.from({ length: days }, (_, i) => {
    const day = new Date(start.getTime() + i * 24 * 3600_000).toISOString().slice(0, 10);
    return { day, ...totalsOf(byDay.get(day) ?? []) };
  });
}
