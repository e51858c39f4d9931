import type { DomainRecords, DomainRegion, GetDomainResponseSuccess } from "resend";

import { db } from "@/lib/db";
import { Prisma, type SenderDomain } from "@/prisma/generated/client";
import { getResend } from "@/lib/resend/client";
import { emitDomainUpdated } from "@/lib/webhooks/emit";

import { toApiDomain } from "./api-shape";
import { releaseIfExpired, reserveName } from "./claims";
import { DomainError, DomainNotFoundError, DomainProviderError, InvalidDomainError } from "./errors";
import { normalizeDomain, sharedSenderDomain } from "./names";
import { countCustomerOperation, resendDomainCall } from "./pacing";
import { nextCheckDelayMs, recordStatuses } from "./schedule";

export { CLAIM_TTL_MS, MAX_DOMAINS_PER_CUSTOMER } from "./claims";

/**
 * A customer's sender domains. Each lives in MailKit's Resend team (created with the `resend` SDK's
 * domains.create) and in one SenderDomain row that ties it to exactly one MailKit user (unique name). The row
 * mirrors Resend's status and DNS records; it is refreshed when the customer asks (verify), by the polling loop
 * (lib/domains/polling.ts) and by Resend's domain.* webhooks. Every Resend call goes through lib/domains/pacing.ts
 * (the shared Resend budget). A customer has at most MAX_DOMAINS_PER_CUSTOMER domains (Resend's Pro plan allows
 * 10 too); a name never verified is released CLAIM_TTL_MS after it was added (both in lib/domains/claims.ts).
 */

export const DOMAIN_REGIONS = [
  "us-east-1",
  "eu-west-1",
  "sa-east-1",
  "ap-northeast-1",
] as const satisfies DomainRegion[];

/** A DNS record as Resend describes it (SPF MX/TXT, DKIM, DMARC…). */
export type DnsRecord = {
  record: string;
  name: string;
  type: string;
  value: string;
  ttl: string;
  status: string;
  priority?: number;
};

export type DomainView = {
  id: string;
  name: string;
  status: string;
  region: string;
  records: DnsRecord[];
  createdAt: Date;
  verifiedAt: Date | null;
  checkedAt: Date;
  /** When the name is released unless verified by then (null once verified). */
  claimExpiresAt: Date | null;
};

/** A row whose Resend domain exists (not a name reserved while domains.create is in flight). */
export type ActiveDomain = SenderDomain & { resendId: string };
const active = { resendId: { not: null } } as const;

export function toDomainView(row: SenderDomain): DomainView {
  return {
    id: row.id,
    name: row.name,
    status: row.status,
    region: row.region,
    records: (row.records as DnsRecord[] | null) ?? [],
    createdAt: row.createdAt,
    verifiedAt: row.verifiedAt,
    checkedAt: row.checkedAt,
    claimExpiresAt: row.claimExpiresAt,
  };
}

export async function listDomains(userId: string): Promise<DomainView[]> {
  const rows = await db.senderDomain.findMany({ where: { userId, ...active }, orderBy: { createdAt: "desc" } });
  return rows.map(toDomainView);
}

export async function getDomain(userId: string, id: string): Promise<DomainView> {
  return toDomainView(await ownRow(userId, id));
}

/**
 * Adds a domain: checks the name, reserves it for this user (within the per-customer cap, atomically), creates it
 * in Resend and records Resend's answer on the reservation. If Resend already has it (an earlier attempt created
 * it and then failed to record it) it is adopted. Two customers adding the same name at once: the unique name
 * decides before anyone calls Resend.
 */
export async function addDomain(userId: string, input: { name?: unknown; region?: unknown }): Promise<DomainView> {
  if (input.name === undefined || input.name === null || input.name === "")
    throw new InvalidDomainError("Missing `name` field.", "missing_required_field");
  const name = typeof input.name === "string" ? normalizeDomain(input.name) : undefined;
  if (!name) throw new InvalidDomainError("The `name` field must be a valid domain name, like example.com.");
  if (name === sharedSenderDomain())
    throw new InvalidDomainError(`${name} is MailKit's shared sender domain; add a domain you own.`);
  const region = input.region ?? "us-east-1";
  if (typeof region !== "string" || !(DOMAIN_REGIONS as readonly string[]).includes(region))
    throw new InvalidDomainError(`Region must be one of: ${DOMAIN_REGIONS.join(", ")}.`, "invalid_region");

  await countCustomerOperation(userId);
  await releaseIfExpired(name);
  const reserved = await reserveName(userId, name, region);
  try {
    const created = await resendDomainCall("customer", (signal) =>
      getResend().domains.create({ name, region: region as DomainRegion }, { signal }),
    );
    let remote: { id: string; status: string; region: string; records: DomainRecords[] };
    if (created.data) remote = created.data;
    else {
      const orphan = created.error?.statusCode === 403 ? await findInResend(name) : undefined;
      if (!orphan) throw refusedByResend(created.error);
      remote = orphan;
    }
    const verified = remote.status === "verified";
    const now = new Date();
    const row = await db.senderDomain.update({
      where: { id: reserved.id },
      data: {
        resendId: remote.id,
        status: remote.status,
        region: remote.region,
        records: remote.records as unknown as Prisma.InputJsonValue,
        checkedAt: now,
        nextCheckAt: new Date(now.getTime() + nextCheckDelayMs(remote.status, 0)),
        verifiedAt: verified ? now : null,
        claimExpiresAt: verified ? null : reserved.claimExpiresAt,
      },
    });
    return toDomainView(row);
  } catch (error) {
    await db.senderDomain.deleteMany({ where: { id: reserved.id, resendId: null } });
    throw error;
  }
}

/** Asks Resend to check the DNS records now, then reads the domain back (usually `pending` until the check). */
export async function verifyDomain(userId: string, id: string): Promise<DomainView> {
  const row = await ownRow(userId, id);
  await countCustomerOperation(userId);
  const { error } = await resendDomainCall("customer", (signal) =>
    getResend().domains.verify(row.resendId, { signal }),
  );
  if (error) {
    if (error.statusCode === 404) return toDomainView(await forgetRemoved(row));
    throw new DomainProviderError(error.message);
  }
  // Resend checks from now on: the poller starts again from its shortest interval.
  await db.senderDomain.updateMany({ where: { id: row.id }, data: { unchangedChecks: 0 } });
  return toDomainView((await refreshDomain(row)) ?? row);
}

/** Removes the domain from Resend and from MailKit; sends from it are refused from now on. */
export async function removeDomain(userId: string, id: string): Promise<DomainView> {
  const row = await ownRow(userId, id);
  await countCustomerOperation(userId);
  const { error } = await resendDomainCall("customer", (signal) =>
    getResend().domains.remove(row.resendId, { signal }),
  );
  if (error && error.statusCode !== 404) throw new DomainProviderError(error.message);
  await db.senderDomain.deleteMany({ where: { id: row.id } });
  return toDomainView(row);
}

/**
 * Reads the domain from Resend and records its status and records. Returns the updated row, or null when
 * Resend no longer has the domain (the row is then deleted: nothing can be sent from it). The poller passes
 * "poller" (it holds its turn already); everyone else waits for the domains' share of the budget.
 */
export async function refreshDomain(
  row: SenderDomain,
  who: "customer" | "poller" = "customer",
): Promise<SenderDomain | null> {
  const resendId = row.resendId;
  if (!resendId) return row; // reserved, domains.create still in flight: nothing to read yet
  const checkedAt = new Date();
  const { data, error } = await resendDomainCall(who, (signal) => getResend().domains.get(resendId, { signal }));
  if (error) {
    if (error.statusCode === 404) {
      await forgetRemoved(row);
      return null;
    }
    throw new DomainProviderError(error.message);
  }
  return recordRemoteState(row, data, checkedAt);
}

/**
 * Stores what Resend said at `checkedAt`, unless a newer reading (a later webhook or poll) is already stored, and
 * schedules the next poll: a reading that changed nothing doubles the interval (lib/domains/schedule.ts).
 */
export async function recordRemoteState(
  row: Pick<SenderDomain, "id" | "verifiedAt">,
  remote: Pick<GetDomainResponseSuccess, "status" | "records"> | { status: string; records: unknown[] },
  checkedAt: Date,
  client: Prisma.TransactionClient | typeof db = db,
): Promise<SenderDomain | null> {
  const verified = remote.status === "verified";
  const before = await client.senderDomain.findUnique({
    where: { id: row.id },
    select: { status: true, records: true, unchangedChecks: true },
  });
  const unchanged =
    before?.status === remote.status && recordStatuses(before.records) === recordStatuses(remote.records);
  const unchangedChecks = unchanged ? before.unchangedChecks + 1 : 0;
  const { count } = await client.senderDomain.updateMany({
    where: { id: row.id, checkedAt: { lte: checkedAt } },
    data: {
      status: remote.status,
      records: remote.records as unknown as Prisma.InputJsonValue,
      checkedAt,
      verifiedAt: verified ? (row.verifiedAt ?? checkedAt) : null,
      unchangedChecks,
      nextCheckAt: new Date(checkedAt.getTime() + nextCheckDelayMs(remote.status, unchangedChecks)),
      // Verified once, the name is the customer's until they remove it.
      ...(verified ? { claimExpiresAt: null } : {}),
    },
  });
  const after = await client.senderDomain.findUnique({ where: { id: row.id } });
  // The customer's own webhooks hear of a status change (domain.updated, with MailKit's domain id).
  if (count && after && before && before.status !== after.status) {
    const { object: _object, ...data } = toApiDomain(toDomainView(after));
    await emitDomainUpdated(client, after.userId, data);
  }
  return after;
}

// ---- internals --------------------------------------------------------------------------------------------

/** Resend refused the name itself (its validation): the customer's error, as Resend said it; else a 502. */
function refusedByResend(error: { statusCode: number | null; name: string; message: string } | null): DomainError {
  if (error && error.statusCode && error.statusCode < 500) {
    if (error.name === "invalid_region" || error.name === "missing_required_field")
      return new DomainError(error.name, error.message);
    if (error.name === "validation_error" || error.name === "invalid_parameter")
      return new DomainError("validation_error", error.message);
  }
  return new DomainProviderError(error?.message ?? "no answer");
}

// MailKit's ids are cuids; anything else (NUL, huge strings…) is no domain, answered before any lookup.
const DOMAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

async function ownRow(userId: string, id: string): Promise<ActiveDomain> {
  if (!DOMAIN_ID.test(id)) throw new DomainNotFoundError();
  const row = await db.senderDomain.findFirst({ where: { id, userId, ...active } });
  if (!row) throw new DomainNotFoundError();
  return row as ActiveDomain;
}

async function forgetRemoved(row: SenderDomain): Promise<SenderDomain> {
  await db.senderDomain.deleteMany({ where: { id: row.id } });
  return { ...row, status: "removed" };
}

/** The domain in MailKit's Resend team by name (an orphan of an interrupted add), with its records. */
async function findInResend(name: string) {
  let after: string | undefined;
  for (let page = 0; page < 20; page++) {
    const { data } = await resendDomainCall("customer", (signal) =>
      getResend().domains.list(after ? { limit: 100, after } : { limit: 100 }, { signal }),
    );
    if (!data) return undefined;
    const match = data.data.find((d) => d.name === name);
    if (match)
      return (
        (await resendDomainCall("customer", (signal) => getResend().domains.get(match.id, { signal }))).data ??
        undefined
      );
    if (!data.has_more || data.data.length === 0) return undefined;
    after = data.data[data.data.length - 1]!.id;
  }
  return undefined;
}
