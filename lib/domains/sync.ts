import type { WebhookEventPayload } from "resend";
import { z } from "zod";

import type { Prisma } from "@/prisma/generated/client";
import { containsUncleanText } from "@/lib/text";

import { recordRemoteState, type DnsRecord } from "./service";

export { DOMAINS_LOOP, pollDomains } from "./polling";

/**
 * Keeping each SenderDomain in step with Resend: Resend's domain.* webhooks (applied in the webhook's
 * transaction, deduplicated by its svix-id there) and a polling loop for what a webhook may have missed
 * (lib/domains/polling.ts).
 * Readings are ordered by time (`checkedAt`): an older webhook never overwrites a newer poll or webhook.
 */

type DomainEventData = { id?: string; status?: string; records?: unknown[] };

/** A verified domain.created / domain.updated / domain.deleted event. "ignored" when it is no customer's domain. */
export async function applyDomainEvent(
  tx: Prisma.TransactionClient,
  event: WebhookEventPayload,
): Promise<"applied" | "recorded" | "ignored"> {
  const data = event.data as DomainEventData;
  // Resend's domain ids are UUIDs; anything else (NUL, huge strings…) is no domain of ours.
  if (typeof data.id !== "string" || !/^[A-Za-z0-9-]{1,100}$/.test(data.id)) return "ignored";
  const row = await tx.senderDomain.findUnique({ where: { resendId: data.id } });
  if (!row) return "ignored";
  if (event.type === "domain.deleted") {
    await tx.senderDomain.deleteMany({ where: { id: row.id } });
    return "applied";
  }
  const records = cleanRecords(data.records);
  if (typeof data.status !== "string" || !/^[a-z_]{1,40}$/.test(data.status) || !records) return "ignored";
  const at = event.created_at ? new Date(event.created_at) : new Date();
  const occurredAt = Number.isNaN(at.getTime()) ? new Date() : at;
  if (row.checkedAt > occurredAt) return "recorded";
  await recordRemoteState(row, { status: data.status, records }, occurredAt, tx);
  return "applied";
}

const text = z
  .string()
  .max(4096)
  .refine((v) => !containsUncleanText(v));
const recordShape = z.object({
  record: text,
  name: text,
  type: text,
  value: text,
  ttl: text,
  status: text,
  priority: z.number().int().optional(),
});

/** The DNS records of a webhook, as MailKit stores them; undefined when they are not Resend's shape. */
function cleanRecords(value: unknown): DnsRecord[] | undefined {
  const parsed = z.array(recordShape).max(50).safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
