import { db } from "@/lib/db";

import type { Grant } from "./overview";

const DAY_MS = 86_400_000;

export type Runway =
  | { kind: "idle" } // nothing sent in the last 7 days
  | { kind: "empty" }
  | { kind: "lasts"; until: Date; perDay: number; beyondAYear: boolean };

/**
 * "At your 7-day pace, credits last until …": the credits MailKit captured for sends over the last 7 days (its own
 * journal: one capture entry per delivery call), spread per day, against what the customer can spend now.
 */
export async function getRunway(customerId: string | null, available: number, now = new Date()): Promise<Runway> {
  if (!customerId) return { kind: "idle" };
  const since = new Date(now.getTime() - 7 * DAY_MS);
  const spent = await db.creditEntry.aggregate({
    where: { customerId, kind: "capture", createdAt: { gte: since } },
    _sum: { amount: true },
  });
  const perDay = -(spent._sum.amount ?? 0) / 7;
  if (available <= 0) return { kind: "empty" };
  if (perDay <= 0) return { kind: "idle" };
  const days = available / perDay;
  return { kind: "lasts", until: new Date(now.getTime() + days * DAY_MS), perDay, beyondAYear: days > 365 };
}

/** The soonest-expiring grant that still has credits (what the overview warns about). */
export function nextExpiringGrant(grants: Grant[], now = new Date()): Grant | null {
  const upcoming = grants.filter((g) => g.remaining > 0 && g.expiresAt && g.expiresAt.getTime() > now.getTime());
  upcoming.sort((a, b) => a.expiresAt!.getTime() - b.expiresAt!.getTime());
  return upcoming[0] ?? null;
}
