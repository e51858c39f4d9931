import { logger } from "@/lib/runtime/log";
import { db } from "@/lib/db";
import type { SenderDomain } from "@/prisma/generated/client";

import { nextExpiredClaim, releaseClaim } from "./claims";
import { takePollingTurn } from "./pacing";
import { refreshDomain } from "./service";

/**
 * The polling loop (lib/background.ts runs a pass every second in every instance). A pass makes at most one
 * Resend call, and only on the poller's turn (lib/domains/pacing.ts: at most DOMAIN_SHARE of the Resend budget,
 * never while an email call waits for it). The turn goes to an expired claim's release first, else to the due
 * domain of the customer the poller served least recently (so one customer's many domains never starve
 * another's one), its most overdue first. When each domain is due again: lib/domains/schedule.ts.
 */

export const DOMAINS_LOOP = "domains";

// A claimed domain whose poll failed (Resend unreachable) is due again after this.
const POLL_LEASE_MS = 60_000;
// The fair choice looks at this many of the most overdue domains.
const CANDIDATES = 500;

const active = { resendId: { not: null } } as const;

/** One pass. Returns 1 when it released a reservation without calling Resend (more may follow), else 0. */
export async function pollDomains(now = Date.now()): Promise<number> {
  const at = new Date(now);
  const expired = await nextExpiredClaim(at);
  if (expired && !expired.resendId) return (await releaseClaim(expired, "poller", at)) ? 1 : 0;
  if (!expired && !(await db.senderDomain.findFirst({ where: { nextCheckAt: { lte: at }, ...active } }))) return 0;
  if (!(await takePollingTurn())) return 0;
  if (expired) {
    await releaseClaim(expired, "poller", at);
    return 0;
  }
  const row = await claimFairest(at);
  if (!row) return 0;
  try {
    await refreshDomain(row, "poller");
  } catch (error) {
    logger("domains").error({ domain: row.name, err: error }, "refreshing a domain failed");
  }
  return 0;
}

/** The due domain of the least recently polled customer, leased to this pass (null if another pass took it). */
async function claimFairest(at: Date): Promise<SenderDomain | null> {
  const due = await db.senderDomain.findMany({
    where: { nextCheckAt: { lte: at }, ...active },
    orderBy: { nextCheckAt: "asc" },
    take: CANDIDATES,
    select: { id: true, userId: true },
  });
  if (due.length === 0) return null;
  const served = await db.senderDomain.groupBy({
    by: ["userId"],
    where: { userId: { in: [...new Set(due.map((d) => d.userId))] } },
    _max: { polledAt: true },
  });
  const lastPolled = new Map(served.map((s) => [s.userId, s._max.polledAt?.getTime() ?? 0]));
  // A stable sort: within one customer (and between customers never polled) the most overdue stays first.
  const pick = [...due].sort((a, b) => lastPolled.get(a.userId)! - lastPolled.get(b.userId)!)[0]!;
  const { count } = await db.senderDomain.updateMany({
    where: { id: pick.id, nextCheckAt: { lte: at } },
    data: { nextCheckAt: new Date(at.getTime() + POLL_LEASE_MS), polledAt: at },
  });
  if (count === 0) return null;
  return await db.senderDomain.findUnique({ where: { id: pick.id } });
}
