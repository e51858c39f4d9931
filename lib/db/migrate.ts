import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";

import type { Database, RawConnection } from "./client";

/**
 * Applies `prisma/migrations/<timestamp>_<name>/migration.sql` in order, each in its own transaction, and
 * records it in `_prisma_migrations` exactly as Prisma Migrate does (checksum = sha256 of the file), so that
 * `prisma migrate deploy` on a machine with Prisma's engine sees the same history as applied.
 * The same runner serves PGlite and PostgreSQL; on PostgreSQL it takes Prisma's own advisory lock, so several
 * instances starting at once apply each migration once.
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

export async function migrate(db: Database, migrations = readMigrations()): Promise<MigrateResult> {
  return db.withRawConnection(async (conn) => {
    if (db.kind === "postgres") await conn.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      return await applyPending(conn, migrations);
    } finally {
      if (db.kind === "postgres") await conn.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    }
  });
}

async function applyPending(conn: RawConnection, migrations: Migration[]): Promise<MigrateResult> {
  await conn.exec(CREATE_MIGRATIONS_TABLE);
  const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
  );
  const done = new Map(rows.filter((r) => r.finished_at).map((r) => [r.migration_name, r.checksum]));
  const failed = rows.find((r) => !r.finished_at);
  if (failed) {
    throw new Error(`Migration ${failed.migration_name} failed earlier and is not finished; resolve it by hand first`);
  }

  const result: MigrateResult = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    const recorded = done.get(migration.name);
    if (recorded) {
      if (recorded !== migration.checksum) {
        throw new Error(`Migration ${migration.name} was modified after it was applied (checksum mismatch)`);
      }
      result.alreadyApplied.push(migration.name);
      continue;
    }
    await conn.exec("BEGIN");
    try {
      const id = randomUUID();
      await conn.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`,
        [id, migration.checksum, migration.name],
      );
      await conn.exec(migration.sql);
      await conn.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
        id,
      ]);
      await conn.exec("COMMIT");
    } catch (error) {
      await conn.exec("ROLLBACK");
      throw new Error(`Migration ${migration.name} failed: ${(error as Error).message}`);
    }
    result.applied.push(migration.name);
  }
  return result;
}
