import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

import { PrismaClient } from "@/prisma/generated/client";
import { getEnv, type Env } from "@/lib/env";
import { logger } from "@/lib/runtime/log";
import { processSingleton } from "@/lib/runtime/singleton";

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
    const { DATABASE_POOL_SIZE, DATABASE_POOL_TIMEOUT_MS } = getEnv();
    const pool = new pg.Pool({
      connectionString: config.url,
      max: DATABASE_POOL_SIZE,
      // Waiting for a free connection (or for a new one to open) fails after this, instead of hanging.
      connectionTimeoutMillis: DATABASE_POOL_TIMEOUT_MS,
      options: UTC,
    });
    // An idle connection the server closes (restart, failover, a dropped database) is replaced on next use; without
    // a listener its 'error' event would crash the process.
    pool.on("error", (error) => logger("db").warn({ err: error }, "an idle PostgreSQL connection was closed"));
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const prepared = config.preparedStatements ?? true;
    return {
      kind: "postgres",
      prisma,
      query: async <T>(sql: string, params: unknown[] = []) =>
        (
          await pool.query({
            name: prepared ? statementName(sql) : undefined,
            text: sql,
            values: params,
            types: UTC_TYPES,
          })
        ).rows as T[],
      withRawConnection: (fn) => withPgClient(config.url, fn),
      async close() {
        await prisma.$disconnect();
        await pool.end().catch(() => undefined);
      },
    };
  }

  // One PGlite per process and per directory: two processes on one directory silently lose writes, so a
  // directory is locked for this process (in memory: nothing to share, no lock).
  let dataDir: string | undefined;
  let unlock = () => {};
  if (config.dataDir) {
    dataDir = resolve(config.dataDir);
    mkdirSync(dataDir, { recursive: true });
    unlock = lockDataDir(dataDir);
  }
  let pglite: PGlite;
  try {
    pglite = new PGlite(dataDir);
  } catch (error) {
    unlock();
    throw error;
  }
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
      try {
        await prisma.$disconnect();
        await pglite.close();
      } finally {
        unlock();
      }
    },
  };
}

/**
 * The name under which a statement of the send path is prepared on each connection: PostgreSQL then parses it
 * once per connection and can keep its plan (the statements are long CTEs; this nearly halved PostgreSQL's CPU per
 * send). The texts are constants of lib/, so the names are few; each lists its output columns, so a migration that
 * adds a column never changes a prepared statement's result type.
 */
const statementNames = new Map<string, string>();
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) statementNames.set(sql, (name = `mailkit_${statementNames.size + 1}`));
  return name;
}

/** A PGlite directory is held by another live process (see lockDataDir). */
export class DatabaseInUseError extends Error {
  override name = "DatabaseInUseError";
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `The embedded database in ${dataDir} is in use by process ${pid} (another MailKit). Stop it, or give this instance its own PGLITE_DIR, or use PostgreSQL (DATABASE_URL) to run several instances.`,
    );
  }
}

const LOCK_FILE = "mailkit.pid";

// How many open databases of this process use each directory: the lock goes when the last one closes. On
// globalThis, as Next.js can evaluate this module more than once in one process.
const openDirs = processSingleton("pglite-locks", () => new Map<string, number>());

/** The live process other than this one that holds the PGlite directory `dataDir`, or null. */
export function pgliteDirHolder(dataDir: string): number | null {
  let pid: number;
  try {
    pid = Number(readFileSync(join(resolve(dataDir), LOCK_FILE), "utf8").trim());
  } catch {
    return null; // no lock file
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return null;
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return pid;
  } catch {
    return null; // a lock left by a process that died without releasing it (crash, kill -9)
  }
}

/**
 * Takes `<dataDir>/mailkit.pid` for this process: created exclusively ('wx'), so of two processes starting at
 * once only one gets it. A file naming a live other process refuses (DatabaseInUseError); one naming a dead
 * process is taken over. Released by the returned function and, failing that, when the process exits.
 */
function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, LOCK_FILE);
  const count = openDirs.get(dataDir) ?? 0;
  if (count === 0) {
    for (let attempt = 0; ; attempt++) {
      try {
        writeFileSync(file, String(process.pid), { flag: "wx" });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt === 2) throw error;
      }
      const holder = pgliteDirHolder(dataDir);
      if (holder !== null) throw new DatabaseInUseError(dataDir, holder);
      rmSync(file, { force: true }); // stale, or left by this very process: take it over
    }
  }
  openDirs.set(dataDir, count + 1);

  const release = () => {
    // Only a lock naming this process is removed: never one another process has taken over since.
    try {
      if (readFileSync(file, "utf8").trim() === String(process.pid)) rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
  };
  process.once("exit", release);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (openDirs.get(dataDir) ?? 1) - 1;
    if (left > 0) openDirs.set(dataDir, left);
    else {
      openDirs.delete(dataDir);
      release();
    }
    process.off("exit", release);
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
