import { db } from "@/lib/db";
import type { Prisma } from "@/prisma/generated/client";

import { getEndpoint, type DeliveryView } from "./endpoints";

/**
 * The webhooks page's delivery log: each delivery with its attempts (response code, the first KB of the body,
 * duration), newest first, optionally only the failing ones.
 */

export type AttemptView = {
  id: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  responseStatus: number | null;
  responseBody: string | null;
  error: string | null;
};

export type DeliveryWithAttempts = DeliveryView & { attemptLog: AttemptView[] };

/** Attempts shown per delivery (a delivery gives up after about ten). */
const ATTEMPTS_SHOWN = 20;

/** Failed for good, or pending after a failed attempt (retrying). */
const FAILING: Prisma.WebhookDeliveryWhereInput = {
  OR: [{ status: "failed" }, { status: "pending", attempts: { gt: 0 }, lastError: { not: null } }],
};

export async function listDeliveryLog(
  userId: string,
  endpointId: string,
  { failedOnly = false, take = 20 }: { failedOnly?: boolean; take?: number } = {},
): Promise<DeliveryWithAttempts[]> {
  await getEndpoint(userId, endpointId);
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId, ...(failedOnly ? FAILING : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take,
    include: { attemptLog: { orderBy: [{ startedAt: "desc" }, { attempt: "desc" }], take: ATTEMPTS_SHOWN } },
  });
  return rows.map(({ endpointId: _endpoint, leaseUntil: _lease, completedAt: _completed, ...row }) => ({
    ...row,
    status: row.status as DeliveryView["status"],
  }));
}
