import { logger } from "@/lib/runtime/log";
import { db } from "@/lib/db";
import { Prisma, type SenderDomain } from "@/prisma/generated/client";
import { getResend } from "@/lib/resend/client";

import { DomainLimitError, DomainTakenError } from "./errors";
import { resendDomainCall } from "./pacing";

/**
 * Who holds a name. Adding reserves the name for the customer (within MAX_DOMAINS_PER_CUSTOMER, like Resend's Pro
 * plan) before Resend is called. A name added but never verified is a claim, not ownership: it is released at
 * `claimExpiresAt` (CLAIM_TTL_MS after it was added), removed from MailKit and from Resend, and anyone may add it
 * then — the real owner is not locked out by an account that cannot publish DNS records. The poller releases expired claims one
 * per turn; adding an expired name releases it on the spot. A reservation whose domains.create never finished (a
 * crashed request) is released after RESERVATION_TIMEOUT_MS.
 */

export const MAX_DOMAINS_PER_CUSTOMER = 10;
export const CLAIM_TTL_MS = 72 * 3600_000;
export const RESERVATION_TIMEOUT_MS = 10 * 60_000;

/**
 * The name, reserved for this user (no Resend id yet) if nobody holds it and the user is under the cap. The user's
 * row is locked first so that parallel adds of one customer count one after another.
 */
export async function reserveName(userId: string, name: string, region: string): Promise<SenderDomain> {
  try {
    return await db.$transaction(async (tx) => {
      await tx.$queryRawUnsafe(`SELECT 1 FROM "User" WHERE "id" = $1 FOR NO KEY UPDATE`, userId);
      await refuseIfTaken(userId, name, tx);
      if ((await tx.senderDomain.count({ where: { userId } })) >= MAX_DOMAINS_PER_CUSTOMER)
        throw new DomainLimitError(MAX_DOMAINS_PER_CUSTOMER);
      return tx.senderDomain.create({
        data: { userId, name, region, records: [], claimExpiresAt: new Date(Date.now() + CLAIM_TTL_MS) },
      });
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002")
      await refuseIfTaken(userId, name); // another customer reserved it a moment ago
    throw error;
  }
}

export async function refuseIfTaken(
  userId: string,
  name: string,
  client: Prisma.TransactionClient | typeof db = db,
): Promise<void> {
  const existing = await client.senderDomain.findUnique({
    where: { name },
    select: { userId: true, claimExpiresAt: true },
  });
  if (existing) throw new DomainTakenError(name, existing.userId === userId, existing.claimExpiresAt);
}

function releasable(now: Date) {
  return {
    OR: [
      { claimExpiresAt: { lte: now } },
      { resendId: null, createdAt: { lt: new Date(now.getTime() - RESERVATION_TIMEOUT_MS) } },
    ],
  };
}

/** The oldest claim due for release, if any. */
export function nextExpiredClaim(now: Date): Promise<SenderDomain | null> {
  return db.senderDomain.findFirst({ where: releasable(now), orderBy: { createdAt: "asc" } });
}

/** Releases the claim on `name` if it has expired (someone is adding the name). */
export async function releaseIfExpired(name: string, now = new Date()): Promise<void> {
  const row = await db.senderDomain.findFirst({ where: { name, ...releasable(now) } });
  if (row) await releaseClaim(row, "customer", now);
}

/**
 * Deletes the row if it is still releasable (a verification meanwhile keeps it), then removes the domain at
 * Resend. If Resend keeps it (an outage), adding the name again adopts Resend's domain (lib/domains/service.ts).
 */
export async function releaseClaim(row: SenderDomain, who: "customer" | "poller", now: Date): Promise<boolean> {
  const { count } = await db.senderDomain.deleteMany({ where: { id: row.id, ...releasable(now) } });
  if (count === 0) return false;
  const resendId = row.resendId;
  if (resendId) {
    const { error } = await resendDomainCall(who, (signal) => getResend().domains.remove(resendId, { signal }));
    if (error && error.statusCode !== 404)
      logger("domains").error({ domain: row.name, err: error }, "released a claim, but Resend kept the domain");
  }
  return true;
}
