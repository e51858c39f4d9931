import type { DomainRecords, DomainRegion, GetDomainResponseSuccess } from "resend";

import { db } from "@/lib/db";
import { Prisma, type SenderDomain } from "@/lib/generated/prisma/client";
import { getResend } from "@/lib/resend/client";
import { emitDomainUpdated } from "@/lib/webhooks/emit";

import { toApiDomain } from "./api-shape";
import { DomainError, DomainNotFoundError, DomainProviderError, DomainTakenError, InvalidDomainError } from "./errors";
import { normalizeDomain, sharedSenderDomain } from "./names";

/**
 * A customer's sender domains. Each lives in MailKit's Resend team (created with the `resend` SDK's
 * domains.create) and in one SenderDomain row that ties it to exactly one MailKit user (unique name). The row
 * mirrors Resend's status and DNS records; it is refreshed when the customer asks (verify), by the polling loop
 * (lib/domains/sync.ts) and by Resend's domain.* webhooks.
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
};

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
  };
}

export async function listDomains(userId: string): Promise<DomainView[]> {
  const rows = await db.senderDomain.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map(toDomainView);
}

export async function getDomain(userId: string, id: string): Promise<DomainView> {
  return toDomainView(await ownRow(userId, id));
}

/**
 * Adds a domain: checks the name and that nobody has it, creates it in Resend and records it for this user.
 * If Resend already has it (an earlier attempt created it and then failed to record it) and no MailKit
 * customer holds it, it is adopted. Two customers adding the same name at once: the unique name decides.
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

  await refuseIfTaken(userId, name);
  const created = await resendCall(() => getResend().domains.create({ name, region: region as DomainRegion }));
  let remote: { id: string; status: string; region: string; records: DomainRecords[] };
  if (created.data) remote = created.data;
  else {
    const orphan = created.error?.statusCode === 403 ? await findInResend(name) : undefined;
    if (!orphan) throw refusedByResend(created.error);
    remote = orphan;
  }
  try {
    const row = await db.senderDomain.create({
      data: {
        userId,
        name,
        resendId: remote.id,
        status: remote.status,
        region: remote.region,
        records: remote.records as unknown as Prisma.InputJsonValue,
        verifiedAt: remote.status === "verified" ? new Date() : null,
      },
    });
    return toDomainView(row);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      await refuseIfTaken(userId, name);
    }
    throw error;
  }
}

/** Asks Resend to check the DNS records now, then reads the domain back (usually `pending` until the check). */
export async function verifyDomain(userId: string, id: string): Promise<DomainView> {
  const row = await ownRow(userId, id);
  const { error } = await resendCall(() => getResend().domains.verify(row.resendId));
  if (error) {
    if (error.statusCode === 404) return toDomainView(await forgetRemoved(row));
    throw new DomainProviderError(error.message);
  }
  return toDomainView((await refreshDomain(row)) ?? row);
}

/** Removes the domain from Resend and from MailKit; sends from it are refused from now on. */
export async function removeDomain(userId: string, id: string): Promise<DomainView> {
  const row = await ownRow(userId, id);
  const { error } = await resendCall(() => getResend().domains.remove(row.resendId));
  if (error && error.statusCode !== 404) throw new DomainProviderError(error.message);
  await db.senderDomain.deleteMany({ where: { id: row.id } });
  return toDomainView(row);
}

/**
 * Reads the domain from Resend and records its status and records. Returns the updated row, or null when
 * Resend no longer has the domain (the row is then deleted: nothing can be sent from it).
 */
export async function refreshDomain(row: SenderDomain): Promise<SenderDomain | null> {
  const checkedAt = new Date();
  const { data, error } = await resendCall(() => getResend().domains.get(row.resendId));
  if (error) {
    if (error.statusCode === 404) {
      await forgetRemoved(row);
      return null;
    }
    throw new DomainProviderError(error.message);
  }
  return recordRemoteState(row, data, checkedAt);
}

/** Stores what Resend said at `checkedAt`, unless a newer reading (a later webhook or poll) is already stored. */
export async function recordRemoteState(
  row: Pick<SenderDomain, "id" | "verifiedAt">,
  remote: Pick<GetDomainResponseSuccess, "status" | "records"> | { status: string; records: unknown[] },
  checkedAt: Date,
  client: Prisma.TransactionClient | typeof db = db,
): Promise<SenderDomain | null> {
  const verified = remote.status === "verified";
  const before = await client.senderDomain.findUnique({ where: { id: row.id }, select: { status: true } });
  const { count } = await client.senderDomain.updateMany({
    where: { id: row.id, checkedAt: { lte: checkedAt } },
    data: {
      status: remote.status,
      records: remote.records as unknown as Prisma.InputJsonValue,
      checkedAt,
      verifiedAt: verified ? (row.verifiedAt ?? checkedAt) : null,
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

/**
 * A Domains API call, repeated (up to 3 attempts) when it never got an answer (a reset keep-alive connection,
 * a timeout: the SDK reports statusCode null) or Resend answered 5xx/429. Safe: get/verify/remove are
 * idempotent, and a create that did land the first time is answered 403 "registered already" and adopted.
 */
async function resendCall<T extends { error: { statusCode: number | null } | null }>(
  call: () => Promise<T>,
): Promise<T> {
  let result = await call();
  for (let attempt = 1; attempt < 3; attempt++) {
    const status = result.error?.statusCode;
    if (!result.error || (status !== null && status !== undefined && status < 500 && status !== 429)) return result;
    await new Promise((resolve) => setTimeout(resolve, 100 * 3 ** (attempt - 1)));
    result = await call();
  }
  return result;
}

// MailKit's ids are cuids; anything else (NUL, huge strings…) is no domain, answered before any lookup.
const DOMAIN_ID = /^[A-Za-z0-9_-]{1,64}$/;

async function ownRow(userId: string, id: string): Promise<SenderDomain> {
  if (!DOMAIN_ID.test(id)) throw new DomainNotFoundError();
  const row = await db.senderDomain.findFirst({ where: { id, userId } });
  if (!row) throw new DomainNotFoundError();
  return row;
}

async function refuseIfTaken(userId: string, name: string): Promise<void> {
  const existing = await db.senderDomain.findUnique({ where: { name }, select: { userId: true } });
  if (existing) throw new DomainTakenError(name, existing.userId === userId);
}

async function forgetRemoved(row: SenderDomain): Promise<SenderDomain> {
  await db.senderDomain.deleteMany({ where: { id: row.id } });
  return { ...row, status: "removed" };
}

/** The domain in MailKit's Resend team by name (an orphan of an interrupted add), with its records. */
async function findInResend(name: string) {
  let after: string | undefined;
  for (let page = 0; page < 50; page++) {
    const { data } = await resendCall(() => getResend().domains.list(after ? { limit: 100, after } : { limit: 100 }));
    if (!data) return undefined;
    const match = data.data.find((d) => d.name === name);
    if (match) return (await resendCall(() => getResend().domains.get(match.id))).data ?? undefined;
    if (!data.has_more || data.data.length === 0) return undefined;
    after = data.data[data.data.length - 1]!.id;
  }
  return undefined;
}
