import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Env } from "@/lib/env";

// Columns are TIMESTAMP without time zone holding UTC (Prisma's convention); raw SQL compares them with
// now(), which is only right if the session's time zone is UTC, whatever the server's default.
const UTC = "-c TimeZone=UTC";

// TIMESTAMP columns hold UTC without a zone: read them as UTC, whatever the process's time zone.
const UTC_TYPES = {
  getTypeParser: (oid: number, format?: string) =>
    oid === 1114
      ? (value: string) => new Date(`${value.replace(" ", "T")}Z`)
      : pg.types.getTypeParser(oid, format as "text"),
};

export type RawConnection = {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
};

export type Database = {
  prisma: PrismaClient;
  /**
   * One SQL statement straight to the driver, bypassing Prisma's query layer: for the few statements on the
   * send path, where its per-query overhead is a large part of a request. Timestamps come back as UTC Dates.
   */
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A single raw connection for the migration runner (PostgreSQL: its own client, outside the pool). */
  withRawConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  kind: "postgres" | "pglite";
};

/** Opens the database the configuration names: PostgreSQL, or an embedded PGlite (on disk or in memory). */
export function openDatabase(config: Env["database"]): Database {
  if (config.kind === "postgres") {
    const pool = new pg.Pool({ connectionString: config.url, max: 10, options: UTC });
    // An idle connection the server closes (restart, failover, a dropped database) is replaced on next use; without
    // a listener its 'error' event would crash the process.
    pool.on("error", (error) => console.warn("[db] an idle PostgreSQL connection was closed:", error.message));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      kind: "postgres",
      prisma,
      query: async <T>(sql: string, params: unknown[] = []) =>
        (await pool.query({ text: sql, values: params, types: UTC_TYPES })).rows as T[],
      withRawConnection: (fn) => withPgClient(config.url, fn),
      async close() {
        await prisma.$disconnect();
        await pool.end().catch(() => undefined);
      },
    };
  }

  // One PGlite per process and per directory: two processes on one directory silently lose writes.
  let dataDir: string | undefined;
  if (config.dataDir) {
    dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
  }
  const pglite = new PGlite(dataDir);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
    withRawConnection: (fn) =>
      fn({
        exec: async (sql) => void (await pglite.exec(sql)),
        query: async <T>(sql: string, params: unknown[] = []) => (await pglite.query<T>(sql, params)).rows,
      }),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
    },
  };
}

async function withPgClient<T>(url: string, fn: (conn: RawConnection) => Promise<T>): Promise<T> {
  const { Client } = await import("pg");
  const client = new Client({ connectionString: url, options: UTC });
  await client.connect();
  try {
    return await fn({
      exec: async (sql) => void (await client.query(sql)),
      query: async <R>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as R[],
    });
  } finally {
    await client.end();
  }
}
