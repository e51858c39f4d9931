import { getEnv } from "@/lib/env";
import type { PrismaClient } from "@/lib/generated/prisma/client";

import { openDatabase, type Database } from "./client";
import { migrate } from "./migrate";

export type { Database } from "./client";
export { Prisma } from "@/lib/generated/prisma/client";

// One database per process, kept on globalThis: Next.js bundles route handlers, instrumentation and
// server components separately, and hot reload re-evaluates modules, yet PGlite may be opened only once.
const globalForDb = globalThis as unknown as { __mailkitDb?: Database; __mailkitDbReady?: Promise<void> };

export function getDatabase(): Database {
  globalForDb.__mailkitDb ??= openDatabase(getEnv().database);
  return globalForDb.__mailkitDb;
}

/** Tests install their own (fresh) database before anything touches `db`. */
export function setDatabaseForTests(database: Database | undefined): void {
  globalForDb.__mailkitDb = database;
  globalForDb.__mailkitDbReady = database ? Promise.resolve() : undefined;
}

/** Applies pending migrations once per process (dev and start call this at boot). */
export function ensureMigrated(): Promise<void> {
  globalForDb.__mailkitDbReady ??= migrate(getDatabase()).then((result) => {
    if (result.applied.length) console.log(`[db] applied migrations: ${result.applied.join(", ")}`);
  });
  return globalForDb.__mailkitDbReady;
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
