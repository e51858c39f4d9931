import { availableOf } from "@/lib/credits";
import { db } from "@/lib/db";
import { webhookLiveVersion } from "@/lib/webhooks/endpoints";
import { domainsVersion } from "@/lib/domains/dashboard";

/**
 * What an open dashboard polls: a version that changes whenever anything the dashboard shows changes in
 * MailKit's database (webhooks and sends land there first), plus the few numbers client components show
 * directly. Read-only and cheap: a handful of indexed reads, no call to Dodo or Resend.
 */
export type LiveSnapshot = {
  version: string;
  /** Credits a send can spend right now (MailKit's admission view). */
  available: number;
  /** Status of the user's most recently changed sends, by id. */
  sends: Record<string, string>;
};

const RECENT_SENDS = 50;

export async function getLiveSnapshot(userId: string): Promise<LiveSnapshot> {
  const [account, subscription, payments, sendTotals, recent, webhooks, domains] = await Promise.all([
    db.creditAccount.findUnique({ where: { userId } }),
    db.subscription.findFirst({ where: { userId }, orderBy: { updatedAt: "desc" } }),
    db.payment.aggregate({ where: { userId }, _count: true, _max: { updatedAt: true } }),
    db.emailSend.aggregate({ where: { userId }, _count: true, _max: { updatedAt: true } }),
    db.emailSend.findMany({
      where: { userId },
      orderBy: { updatedAt: "desc" },
      take: RECENT_SENDS,
      select: { id: true, status: true },
    }),
    webhookLiveVersion(userId),
    domainsVersion(userId),
  ]);
  const version = [
    account ? [account.balance, account.reserved, account.allowance, account.lowBalanceSince?.getTime()] : "-",
    subscription ? [subscription.id, subscription.status, subscription.updatedAt.getTime()] : "-",
    [payments._count, payments._max.updatedAt?.getTime()],
    [sendTotals._count, sendTotals._max.updatedAt?.getTime()],
    webhooks,
    domains,
  ]
    .flat()
    .join(":");
  return {
    version,
    available: availableOf(account),
    sends: Object.fromEntries(recent.map((s) => [s.id, s.status])),
  };
}
