import { createHash, randomBytes } from "node:crypto";

import { z } from "zod";

import { db, sql } from "@/lib/db";
import { VERIFIED_DOMAINS_SQL, type SenderPolicy } from "@/lib/domains/sender";

import { rateLimitCte } from "@/lib/rate-limit";

export const API_KEY_PERMISSIONS = ["full_access", "sending_access"] as const;
export type ApiKeyPermission = (typeof API_KEY_PERMISSIONS)[number];

const keyName = z.string().trim().min(1, { error: "Give the key a name" }).max(50, { error: "At most 50 characters" });

/** The dashboard's "Create key" form. `domain` (sending keys only): the one verified domain it may send from. */
export const createApiKeyForm = z
  .object({
    name: keyName,
    permission: z.enum(API_KEY_PERMISSIONS, { error: "Choose full access or sending only" }),
    domain: z
      .string()
      .trim()
      .toLowerCase()
      .max(253)
      .optional()
      .transform((value) => value || undefined),
  })
  .refine((input) => !input.domain || input.permission === "sending_access", {
    path: ["domain"],
    error: "Only a sending key can be restricted to one domain",
  });

/** The dashboard's "Rename" form. */
export const renameApiKeyForm = z.object({ id: z.string().min(1).max(100), name: keyName });

/** A key restricted to a domain the owner has not verified (or does not own). */
export class KeyDomainError extends Error {}

/**
 * Customers' API keys. A token is `mk_` + 32 random base64url characters; only its sha256 is stored, and the
 * token itself is returned once, at creation. The prefix (first 11 characters) identifies a key in the list.
 */

export const TOKEN_PREFIX = "mk_";
const DISPLAY_PREFIX_LENGTH = 11;

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(24).toString("base64url")}`;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function displayPrefix(token: string): string {
  return token.slice(0, DISPLAY_PREFIX_LENGTH);
}

export async function createApiKey(
  userId: string,
  input: { name: string; permission: ApiKeyPermission; rateLimitPerSecond?: number; domain?: string },
) {
  if (input.domain) {
    if (input.permission !== "sending_access")
      throw new KeyDomainError("Only a sending key can be restricted to one domain.");
    const owned = await db.senderDomain.findFirst({ where: { userId, name: input.domain, status: "verified" } });
    if (!owned) throw new KeyDomainError(`${input.domain} is not one of your verified domains.`);
  }
  const token = generateToken();
  const key = await db.apiKey.create({
    data: {
      userId,
      name: input.name,
      permission: input.permission,
      prefix: displayPrefix(token),
      tokenHash: hashToken(token),
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      domain: input.domain ?? null,
    },
  });
  return { id: key.id, name: key.name, permission: key.permission, prefix: key.prefix, domain: key.domain, token };
}

export async function listApiKeys(userId: string) {
  return db.apiKey.findMany({
    where: { userId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      permission: true,
      prefix: true,
      domain: true,
      lastUsedAt: true,
      revokedAt: true,
      createdAt: true,
    },
  });
}

/** Renames one of the user's keys (revoked ones too: the log still shows them); false when it is not theirs. */
export async function renameApiKey(userId: string, id: string, name: string): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({ where: { id, userId }, data: { name } });
  return count === 1;
}

/** Revokes one of the user's keys; false when it is not theirs or already revoked. */
export async function revokeApiKey(userId: string, id: string): Promise<boolean> {
  const { count } = await db.apiKey.updateMany({
    where: { id, userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count === 1;
}

export type ApiCaller = {
  keyId: string;
  userId: string;
  customerId: string | null;
  permission: ApiKeyPermission;
  rateLimitPerSecond: number | null;
  /** Who may be named in `from` (read in the gate's statement, so the send path needs no query for it). */
  senderPolicy: SenderPolicy;
};

/** What an earlier request with the same Idempotency-Key left (see ./idempotency.ts). */
export type IdempotencyRow = {
  requestHash: string;
  responseStatus: number | null;
  responseBody: Record<string, unknown> | null;
  expiresAt: Date;
};

export type Authorization = {
  caller: ApiCaller;
  /** This request's place in the key's rate-limit window. */
  requestCount: number;
  windowResetInMs: number;
  prior: IdempotencyRow | null;
};

// One round trip for the whole gate: find the (unrevoked) key and its owner, count the request in the key's
// rate-limit window, and read an earlier request with the same Idempotency-Key. Nothing is cached, so a
// revoked key stops working on every instance at once.
const AUTHORIZE_SQL = `
WITH key AS (
  SELECT k."id", k."userId", k."permission", k."rateLimitPerSecond", k."lastUsedAt", k."domain", u."dodoCustomerId",
         u."email" AS "ownerEmail", ${VERIFIED_DOMAINS_SQL('k."userId"')} AS "verifiedDomains",
         'apikey:' || k."id" AS "bucketKey"
  FROM "ApiKey" k JOIN "User" u ON u."id" = k."userId"
  WHERE k."tokenHash" = $1::text AND k."revokedAt" IS NULL
), ${rateLimitCte("key", "$2::int")}, prior AS (
  SELECT i."requestHash", i."responseStatus", i."responseBody", i."expiresAt"
  FROM "ApiIdempotencyKey" i JOIN key ON i."userId" = key."userId"
  WHERE i."endpoint" = $3::text AND i."key" = $4::text
)
SELECT key."id", key."userId", key."permission", key."rateLimitPerSecond", key."lastUsedAt", key."domain", key."dodoCustomerId",
       key."ownerEmail", key."verifiedDomains", bucket."count", bucket."resetInMs", prior."requestHash", prior."responseStatus", prior."responseBody", prior."expiresAt"
FROM key CROSS JOIN bucket LEFT JOIN prior ON true`;

type AuthorizeRow = {
  id: string;
  userId: string;
  permission: string;
  rateLimitPerSecond: number | null;
  lastUsedAt: Date | null;
  domain: string | null;
  dodoCustomerId: string | null;
  ownerEmail: string;
  verifiedDomains: string[];
  count: number;
  resetInMs: number;
  requestHash: string | null;
  responseStatus: number | null;
  responseBody: Record<string, unknown> | null;
  expiresAt: Date | null;
};

/** Resolves a Bearer token to its key and owner (null for an unknown or revoked key), counting the request. */
export async function authorizeToken(
  token: string,
  options: { windowMs: number; idempotency?: { endpoint: string; key: string } | null },
): Promise<Authorization | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const rows = await sql<AuthorizeRow>(AUTHORIZE_SQL, [
    hashToken(token),
    options.windowMs,
    options.idempotency?.endpoint ?? "",
    options.idempotency?.key ?? "",
  ]);
  const row = rows[0];
  if (!row) return null;
  await touchLastUsed(row.id, row.lastUsedAt);
  return {
    caller: {
      keyId: row.id,
      userId: row.userId,
      customerId: row.dodoCustomerId,
      permission: row.permission as ApiKeyPermission,
      rateLimitPerSecond: row.rateLimitPerSecond,
      senderPolicy: {
        ownerEmail: row.ownerEmail,
        verifiedDomains: row.verifiedDomains ?? [],
        ...(row.domain ? { onlyDomain: row.domain } : {}),
      },
    },
    requestCount: Number(row.count),
    windowResetInMs: Number(row.resetInMs),
    prior:
      row.requestHash !== null && row.expiresAt
        ? {
            requestHash: row.requestHash,
            responseStatus: row.responseStatus,
            responseBody: row.responseBody,
            expiresAt: new Date(row.expiresAt),
          }
        : null,
  };
}

// "Last used" to the minute is enough, and writing it on every request would contend on the key's row.
const LAST_USED_RESOLUTION_MS = 60_000;

async function touchLastUsed(id: string, lastUsedAt: Date | null): Promise<void> {
  const now = Date.now();
  if (lastUsedAt && now - new Date(lastUsedAt).getTime() < LAST_USED_RESOLUTION_MS) return;
  const threshold = new Date(now - LAST_USED_RESOLUTION_MS);
  await db.apiKey.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
    data: { lastUsedAt: new Date(now) },
  });
}
