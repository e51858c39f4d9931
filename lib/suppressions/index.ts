import type { WebhookEventPayload } from "resend";

import { db, sql, type Tx } from "@/lib/db";
import { enqueue } from "@/lib/outbox";
import { isCleanText } from "@/lib/text";

import { CREDIT_BACK_JOB, creditBackKey } from "./credit-back";
import { creditBackOf, normaliseAddress, suppressionsCsv, suppressionsOf, type SuppressionReason } from "./recipients";

export { CREDIT_BACK_JOB } from "./credit-back";
export { normaliseAddress, suppressionsCsv, withoutSuppressed, type SuppressionReason } from "./recipients";

/**
 * Per-customer suppression lists and credit-backs.
 *
 * - A hard bounce or a complaint (Resend webhooks) adds the recipients to the sending customer's list, in the
 *   transaction that records the event (`recordDeliveryOutcome`). Other customers' lists are untouched.
 * - Admission (lib/sending/admission.ts) refuses to hold credits for a request naming a suppressed recipient;
 *   only then does the pipeline ask `findSuppressed` which ones, take them out and admit the rest, so the
 *   request path costs nothing extra while no recipient is suppressed.
 * - An accepted email Resend reports as `email.suppressed` or `email.failed` is credited back in Dodo: a
 *   CreditBack row (one per email) and an outbox job with the same idempotency key, in the event's transaction
 *   (lib/suppressions/credit-back.ts posts it).
 */

export type SuppressionEntry = {
  id: string;
  address: string;
  reason: SuppressionReason;
  createdAt: Date;
  /** The message whose bounce or complaint added it (null for manual entries). */
  sendId: string | null;
};

/**
 * Applies what a delivery event means for suppressions and credits, inside the transaction that records it (before
 * the event moves the send's status: `status` is what the send had until now). Idempotent: an address already on
 * the list keeps its first entry; an email is credited back at most once.
 */
export async function recordDeliveryOutcome(tx: Tx, sendId: string, event: WebhookEventPayload): Promise<void> {
  const data = event.data as Parameters<typeof suppressionsOf>[1];
  const mayCount = ["email.failed", "email.suppressed", "email.bounced", "email.complained"].includes(event.type);
  if (!mayCount) return;
  const send = await tx.emailSend.findUnique({
    where: { id: sendId },
    select: { id: true, userId: true, customerId: true, status: true, cost: true, to: true, cc: true, bcc: true },
  });
  if (!send || !send.customerId) return;
  // Only the send's own recipients, as far as the event identifies them (lib/suppressions/recipients.ts).
  const suppressions = suppressionsOf(event.type, data, send);
  if (suppressions.length) {
    await tx.suppression.createMany({
      data: suppressions.map((s) => ({
        customerId: send.customerId,
        userId: send.userId,
        address: s.address,
        reason: s.reason,
        sendId: send.id,
      })),
      skipDuplicates: true,
    });
  }
  const back = creditBackOf(event.type, data, send);
  if (!back) return;
  const key = creditBackKey(send.id);
  const created = await tx.creditBack.createMany({
    data: [
      { sendId: send.id, customerId: send.customerId, credits: back.credits, reason: back.reason, idempotencyKey: key },
    ],
    skipDuplicates: true,
  });
  if (created.count === 1)
    await enqueue(tx, {
      kind: CREDIT_BACK_JOB,
      key,
      payload: { sendId: send.id },
      customerId: send.customerId,
      credits: back.credits,
    });
}

const SUPPRESSED_SQL = `
SELECT "address" FROM "Suppression"
WHERE "customerId" = $1 AND "address" IN (SELECT jsonb_array_elements_text($2::jsonb))`;

/** Which of these (bare, lower-cased) addresses are on the customer's list: one indexed query. */
export async function findSuppressed(customerId: string, addresses: string[]): Promise<string[]> {
  if (addresses.length === 0) return [];
  const rows = await sql<{ address: string }>(SUPPRESSED_SQL, [customerId, JSON.stringify(addresses)]);
  return rows.map((r) => r.address);
}

export type SuppressionQuery = {
  /** Part of the address (case-insensitive). */
  search?: string;
  reason?: SuppressionReason;
  limit?: number;
  /** Cursors (an entry's id): entries after it (older) or before it (newer) in the newest-first order. */
  after?: string;
  before?: string;
};

export type SuppressionPage = { items: SuppressionEntry[]; hasMore: boolean };

/**
 * The user's list, newest first (ties by id), filtered and paged like Resend's list endpoints. Null when a
 * cursor names no entry of this user.
 */
export async function listSuppressions(userId: string, query: SuppressionQuery = {}): Promise<SuppressionPage | null> {
  const search = query.search?.trim().toLowerCase();
  // No stored address contains NUL or a lone surrogate (and PostgreSQL cannot compare text that does).
  if (search && !isCleanText(search)) return { items: [], hasMore: false };
  const where = {
    userId,
    ...(search ? { address: { contains: search } } : {}),
    ...(query.reason ? { reason: query.reason } : {}),
  };
  const cursorId = query.after ?? query.before;
  let range = {};
  if (cursorId) {
    const cursor = await db.suppression.findFirst({
      where: { id: cursorId, userId },
      select: { id: true, createdAt: true },
    });
    if (!cursor) return null;
    const [cmp, idCmp] = query.after ? (["lt", "lt"] as const) : (["gt", "gt"] as const);
    range = {
      OR: [{ createdAt: { [cmp]: cursor.createdAt } }, { createdAt: cursor.createdAt, id: { [idCmp]: cursor.id } }],
    };
  }
  const newestFirst = !query.before;
  const take = query.limit ?? 10_000;
  const rows = await db.suppression.findMany({
    where: { ...where, ...range },
    orderBy: newestFirst ? [{ createdAt: "desc" }, { id: "desc" }] : [{ createdAt: "asc" }, { id: "asc" }],
    take: take + 1,
    select: { id: true, address: true, reason: true, createdAt: true, sendId: true },
  });
  const hasMore = rows.length > take;
  const page = rows.slice(0, take);
  if (!newestFirst) page.reverse();
  return { items: page.map((r) => ({ ...r, reason: r.reason as SuppressionReason })), hasMore };
}

/** One entry of the user's list, by its id or its address. */
export async function getSuppression(userId: string, idOrAddress: string): Promise<SuppressionEntry | null> {
  const address = normaliseAddress(idOrAddress);
  const row = await db.suppression.findFirst({
    where: { userId, ...(address ? { address } : { id: idOrAddress }) },
    select: { id: true, address: true, reason: true, createdAt: true, sendId: true },
  });
  return row ? { ...row, reason: row.reason as SuppressionReason } : null;
}

export class InvalidAddressError extends Error {
  override name = "InvalidAddressError";
  constructor(readonly value: string) {
    super(`\`${value}\` is not an email address.`);
  }
}

/** Puts an address on the customer's list by hand (reason "manual"); an address already there keeps its entry. */
export async function addSuppression(
  owner: { userId: string; customerId: string },
  value: string,
): Promise<SuppressionEntry> {
  const address = normaliseAddress(value);
  if (!address) throw new InvalidAddressError(value);
  await db.suppression.createMany({
    data: [{ customerId: owner.customerId, userId: owner.userId, address, reason: "manual" }],
    skipDuplicates: true,
  });
  return (await getSuppression(owner.userId, address))!;
}

/** Takes an entry (by id or address) off the user's list. Returns the removed entry, or null if there was none. */
export async function removeSuppression(userId: string, idOrAddress: string): Promise<SuppressionEntry | null> {
  const entry = await getSuppression(userId, idOrAddress);
  if (!entry) return null;
  const { count } = await db.suppression.deleteMany({ where: { id: entry.id, userId } });
  return count ? entry : null;
}

/** How a message was credited back, for the message log and page (null: not credited back). */
export type CreditBackView = { credits: number; reason: string; status: string; completedAt: Date | null };

export async function creditBacksOf(sendIds: string[]): Promise<Map<string, CreditBackView>> {
  if (sendIds.length === 0) return new Map();
  const rows = await db.creditBack.findMany({
    where: { sendId: { in: sendIds }, status: { not: "void" } },
    select: { sendId: true, credits: true, reason: true, status: true, completedAt: true },
  });
  return new Map(rows.map(({ sendId, ...view }) => [sendId, view]));
}

/** The customer's whole list as a CSV download (the dashboard's Export button). */
export async function suppressionsCsvExport(userId: string) {
  const page = await listSuppressions(userId);
  const date = new Date().toISOString().slice(0, 10);
  return {
    text: suppressionsCsv(page?.items ?? []),
    contentType: "text/csv; charset=utf-8",
    headers: { "content-disposition": `attachment; filename="mailkit-suppressions-${date}.csv"` },
  };
}
