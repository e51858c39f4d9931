import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";

import { PrismaClient } from "@/lib/generated/prisma/client";
import type { Env } from "@/lib/env";

// Columns are TIMESTAMP without time zone holding UTC (Prisma's convention); raw SQL compares them with
// now(), which is only right if the session's time zone is UTC, whatever the server's default.
const UTC = "-c TimeZone=UTC";

export type RawConnection = {
  exec(sql: string): Promise<void>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
};

export type Database = {
  prisma: PrismaClient;
  /** A single raw connection for the migration runner (PostgreSQL: its own client, outside the pool). */
  withRawConnection<T>(fn: (conn: RawConnection) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  kind: "postgres" | "pglite";
};

/** Opens the database the configuration names: PostgreSQL, or an embedded PGlite (on disk or in memory). */
export function openDatabase(config: Env["database"]): Database {
  if (config.kind === "postgres") {
    const adapter = new PrismaPg({ connectionString: config.url, max: 10, options: UTC });
    const prisma = new PrismaClient({ adapter });
    return {
      kind: "postgres",
      prisma,
      withRawConnection: (fn) => withPgClient(config.url, fn),
      async close() {
        await prisma.$disconnect();
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
