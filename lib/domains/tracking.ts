import { db } from "@/lib/db";
import { getResend } from "@/lib/resend/client";
import { keepPlatformWebhookInStep } from "@/lib/resend/webhook-subscription";

import { DomainNotFoundError, DomainProviderError } from "./errors";
import { countCustomerOperation, resendDomainCall } from "./pacing";

/**
 * Open and click tracking, a per-domain setting of Resend's: set with `domains.update` (openTracking,
 * clickTracking), then remembered on the SenderDomain row. Resend then rewrites links and adds the pixel for mail
 * from that domain and reports email.opened / email.clicked, which the deliverability page counts.
 */

export type TrackingSetting = { openTracking: boolean; clickTracking: boolean };

export async function setDomainTracking(userId: string, domainId: string, setting: TrackingSetting): Promise<void> {
  const row = await db.senderDomain.findFirst({ where: { id: domainId, userId, resendId: { not: null } } });
  if (!row?.resendId) throw new DomainNotFoundError();
  await countCustomerOperation(userId);
  const resendId = row.resendId;
  const { error } = await resendDomainCall("customer", () =>
    getResend().domains.update({
      id: resendId,
      openTracking: setting.openTracking,
      clickTracking: setting.clickTracking,
    }),
  );
  if (error) {
    if (error.statusCode === 404) throw new DomainNotFoundError();
    throw new DomainProviderError(error.message);
  }
  await db.senderDomain.update({ where: { id: row.id }, data: setting });
  // MailKit's own Resend webhook then includes email.opened / email.clicked while any domain tracks them.
  await keepPlatformWebhookInStep();
}

/** The customer's domains with their tracking setting (the deliverability page). */
export async function listDomainTracking(userId: string) {
  return db.senderDomain.findMany({
    where: { userId, resendId: { not: null } },
    select: { id: true, name: true, status: true, openTracking: true, clickTracking: true },
    orderBy: { name: "asc" },
  });
}
