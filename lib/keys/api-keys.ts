import { createHash, randomBytes } from "node:crypto";

import { z } from "zod";

import { db } from "@/lib/db";
import { processSingleton } from "@/lib/runtime/singleton";
import type { SenderPolicy } from "@/lib/domains/sender";

import { gateRequest } from "./key-gate";

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

/** Resolves a Bearer token to its key and owner (null for an unknown or revoked key), counting the request. */
export async function authorizeToken(
  token: string,
  options: { windowMs: number; idempotency?: { endpoint: string; key: string } | null },
): Promise<Authorization | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  // One round trip, shared with the requests that arrive meanwhile (./key-gate.ts).
  const row = await gateRequest({
    tokenHash: hashToken(token),
    windowMs: options.windowMs,
    endpoint: options.idempotency?.endpoint ?? "",
    idempotencyKey: options.idempotency?.key ?? "",
  });
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

// "Last used" to the minute is enough, and writing it on every request would contend on the key's row. The
// requests of one gate group all see the same old value: only the first of them writes it.
const LAST_USED_RESOLUTION_MS = 60_000;
const touchedAt = processSingleton("api-key-touched", () => new Map<string, number>());

async function touchLastUsed(id: string, lastUsedAt: Date | null): Promise<void> {
  const now = Date.now();
  const last = Math.max(lastUsedAt ? new Date(lastUsedAt).getTime() : 0, touchedAt.get(id) ?? 0);
  if (now - last < LAST_USED_RESOLUTION_MS) return;
  if (touchedAt.size >= 10_000) touchedAt.clear(); // a memo, not a record: forgetting only costs a write
  touchedAt.set(id, now);
  const threshold = new Date(now - LAST_USED_RESOLUTION_MS);
  await db.apiKey.updateMany({
    where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: threshold } }] },
    data: { lastUsedAt: new Date(now) },
  });
}
