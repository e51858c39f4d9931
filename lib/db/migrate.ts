import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

import type { Database, RawConnection } from "./client";

/**
 * Applies `prisma/migrations/<timestamp>_<name>/migration.sql` in order, each in its own transaction, and
 * records it in `_prisma_migrations` exactly as Prisma Migrate does (checksum = sha256 of the file), so that
 * `prisma migrate deploy` on a machine with Prisma's engine sees the same history as applied.
 * The same runner serves PGlite and PostgreSQL; on PostgreSQL it takes Prisma's own advisory lock (see migrate).
 */

// The lock key Prisma Migrate uses, so MailKit and `prisma migrate deploy` never run concurrently either.
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
);`;

export type Migration = { name: string; sql: string; checksum: string };

export function defaultMigrationsDir(): string {
  return resolve(/*turbopackIgnore: true*/ process.cwd(), "prisma/migrations");
}

export function readMigrations(dir = defaultMigrationsDir()): Migration[] {
  // Read at run time from the working directory, not bundled (turbopackIgnore keeps the build from tracing it).
  if (!existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && existsSync(/*turbopackIgnore: true*/ join(dir, entry.name, "migration.sql")),
    )
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export type MigrateResult = { applied: string[]; alreadyApplied: string[] };

/**
 * Applies pending migrations one transaction each. On PostgreSQL every transaction first takes Prisma's lock as
 * a transaction-level advisory lock, then re-reads what is applied: several instances starting at once apply
 * each migration once, and the lock never outlives its transaction — which keeps it correct behind PgBouncer in
 * transaction mode, where a session-level lock would stay on whichever server connection took it.
 */
export async function migrate(db: Database, migrations = readMigrations()): Promise<MigrateResult> {
  return db.withRawConnection(async (conn) => {
    const result: MigrateResult = { applied: [], alreadyApplied: [] };
    for (;;) {
      await conn.exec("BEGIN");
      try {
        if (db.kind === "postgres") await conn.query("SELECT pg_advisory_xact_lock($1)", [PRISMA_ADVISORY_LOCK]);
        await conn.exec(CREATE_MIGRATIONS_TABLE);
        const { done, next } = await nextPending(conn, migrations);
        if (!next) {
          await conn.exec("COMMIT");
          result.alreadyApplied = migrations
            .map((m) => m.name)
            .filter((name) => done.has(name) && !result.applied.includes(name));
          return result;
        }
        await apply(conn, next);
        await conn.exec("COMMIT");
        result.applied.push(next.name);
      } catch (error) {
        await conn.exec("ROLLBACK");
        throw error;
      }
    }
  });
}

/** The migrations of this build not yet applied to `db` (readiness). Applies nothing. */
export async function pendingMigrations(db: Database, migrations = readMigrations()): Promise<string[]> {
  const rows = await db
    .query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`,
    )
    .catch((error: { code?: string }) => {
      if (error.code === "42P01") return []; // no table yet: nothing applied
      throw error;
    });
  const done = new Set(rows.map((r) => r.migration_name));
  return migrations.map((m) => m.name).filter((name) => !done.has(name));
}

async function nextPending(
  conn: RawConnection,
  migrations: Migration[],
): Promise<{ done: Map<string, string>; next?: Migration }> {
  const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const done = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));
  const failed = rows.find((r) => !r.finished_at);
  if (failed) {
    throw new Error(`Migration ${failed.migration_name} failed earlier and is not finished; resolve it by hand first`);
  }
  for (const migration of migrations) {
    const recorded = done.get(migration.name);
    if (!recorded) return { done, next: migration };
    if (recorded !== migration.checksum) {
      throw new Error(`Migration ${migration.name} was modified after it was applied (checksum mismatch)`);
    }
  }
  return { done };
}

async function apply(conn: RawConnection, migration: Migration): Promise<void> {
  const id = randomUUID();
  try {
    await conn.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
      [id, migration.checksum, migration.name],
    );
    await conn.exec(migration.sql);
    await conn.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
      id,
    ]);
  } catch (error) {
    throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
  }
}
