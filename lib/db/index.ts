import { getEnv } from "@/lib/env";
import { logger } from "@/lib/runtime/log";
import { processSingleton } from "@/lib/runtime/singleton";
import type { Prisma, PrismaClient } from "@/prisma/generated/client";

import { openDatabase, type Database } from "./client";
import { migrate, pendingMigrations } from "./migrate";

export type { Database } from "./client";
export { Prisma } from "@/prisma/generated/client";

/** The client a transaction callback receives: what code that must run inside the caller's transaction takes. */
export type Tx = Prisma.TransactionClient;

// One database per process (PGlite may be opened only once), whatever bundle asks for it.
const state = processSingleton("database", (): { database?: Database; ready?: Promise<void> } => ({}));

export function getDatabase(): Database {
  state.database ??= openDatabase(getEnv().database);
  return state.database;
}

/** Tests install their own (fresh) database before anything touches `db`. */
export function setDatabaseForTests(database: Database | undefined): void {
  state.database = database;
  state.ready = database ? Promise.resolve() : undefined;
}

/** Applies pending migrations once per process (dev and start call this at boot). */
export function ensureMigrated(): Promise<void> {
  state.ready ??= migrate(getDatabase()).then((result) => {
    if (result.applied.length) logger("db").info({ migrations: result.applied }, "applied migrations");
  });
  return state.ready;
}

/** One statement straight to the driver (see Database.query): only for the hot statements of the send path. */
export function sql<T>(text: string, params: unknown[] = []): Promise<T[]> {
  return getDatabase().query<T>(text, params);
}

/** The Prisma client. A Proxy so that importing `db` never opens the database by itself. */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const prisma = getDatabase().prisma as unknown as Record<PropertyKey, unknown>;
    const value = prisma[property];
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(prisma) : value;
  },
});

/** Readiness: the database answers and every migration of this build is applied (none is applied here). */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    const pending = await pendingMigrations(getDatabase());
    if (pending.length) return { ok: false, error: `migrations not applied: ${pending.join(", ")}` };
    return { ok: true };
  } catch (error) {
    return { ok: false, error: `database unreachable: ${(error as Error).message}` };
  }
}

/** Closes this process's database (shutdown); the next use would open it again. */
export async function closeDatabase(): Promise<void> {
  const database = state.database;
  state.database = undefined;
  state.ready = undefined;
  await database?.close();
}
