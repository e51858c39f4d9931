import { createHash, randomBytes } from "node:crypto";

import { db } from "@/lib/db";
import type { ApiKeyPermission } from "@/lib/validations/email";

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
  input: { name: string; permission: ApiKeyPermission; rateLimitPerSecond?: number },
) {
  const token = generateToken();
  const key = await db.apiKey.create({
    data: {
      userId,
      name: input.name,
      permission: input.permission,
      prefix: displayPrefix(token),
      tokenHash: hashToken(token),
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
    },
  });
  return { id: key.id, name: key.name, permission: key.permission, prefix: key.prefix, token };
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
      lastUsedAt: true,
      revokedAt: true,
      createdAt: true,
    },
  });
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
};

/** Resolves a Bearer token to its key and owner; null for an unknown or revoked key. */
export async function findCallerByToken(token: string): Promise<ApiCaller | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const key = await db.apiKey.findUnique({
    where: { tokenHash: hashToken(token) },
    select: {
      id: true,
      userId: true,
      permission: true,
      rateLimitPerSecond: true,
      revokedAt: true,
      lastUsedAt: true,
      user: { select: { dodoCustomerId: true } },
    },
  });
  if (!key || key.revokedAt) return null;
  await touchLastUsed(key.id, key.lastUsedAt);
  return {
    keyId: key.id,
    userId: key.userId,
    customerId: key.user.dodoCustomerId,
    permission: key.permission as ApiKeyPermission,
    rateLimitPerSecond: key.rateLimitPerSecond,
  };
}

// "Last used" to the minute is enough, and writing it on every request would contend on the key's row.
const LAST_USED_RESOLUTION_MS = 60_000;

async function touchLastUsed(id: string, lastUsedAt: Date | null): Promise<void> {
  const now = Date.now();
  if (lastUsedAt && now - lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS) return;
  const threshold = new Date(now - LAST_USED_RESOLUTION_MS);
  await db.apiKey.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
    data: { lastUsedAt: new Date(now) },
  });
}
