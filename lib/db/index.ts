import { getEnv } from "@/lib/env";
import { processSingleton } from "@/lib/runtime/singleton";
import type { PrismaClient } from "@/lib/generated/prisma/client";

import { openDatabase, type Database } from "./client";
import { migrate } from "./migrate";

export type { Database } from "./client";
export { Prisma } from "@/lib/generated/prisma/client";

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
    if (result.applied.length) console.log(`[db] applied migrations: ${result.applied.join(", ")}`);
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

/** Readiness: the database answers and its migrations are applied. */
export async function checkDatabase(): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await ensureMigrated();
    await db.$queryRawUnsafe("SELECT 1");
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}
