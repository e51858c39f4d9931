/**
 * Gives each integration test file a fresh, migrated database: an in-memory PGlite, or a new PostgreSQL
 * database created from TEST_DATABASE_URL and dropped afterwards, used directly or through the PgBouncer at
 * TEST_PGBOUNCER_URL (its host and port; the database name is the scratch one).
 */
import { afterAll } from "vitest";

import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { setDatabaseForTests } from "@/lib/db";
import { createScratchPostgres } from "./postgres";

const kind = process.env.MAILKIT_TEST_DATABASE ?? "pglite";

if (kind === "postgres" || kind === "pgbouncer") {
  const scratch = await createScratchPostgres();
  // Behind PgBouncer (transaction pooling): the database is created directly, then everything goes through it.
  const url = kind === "pgbouncer" ? throughPgBouncer(scratch.url) : scratch.url;
  // PgBouncer 1.18 in transaction pooling cannot keep prepared statements: the setting MailKit documents for it.
  const preparedStatements = kind !== "pgbouncer";
  const database = openDatabase({ kind: "postgres", url, preparedStatements });
  await migrate(database);
  setDatabaseForTests(database);
  process.env.DATABASE_URL = url;
  process.env.DATABASE_PREPARED_STATEMENTS = String(preparedStatements);
  afterAll(async () => {
    await database.close();
    await scratch.drop();
  });
} else {
  const database = openDatabase({ kind: "pglite", dataDir: undefined });
  await migrate(database);
  setDatabaseForTests(database);
  process.env.DATABASE_URL = "pglite:memory";
  afterAll(async () => {
    await database.close();
  });
}

function throughPgBouncer(scratchUrl: string): string {
  const bouncer = new URL(process.env.TEST_PGBOUNCER_URL ?? "postgresql://postgres@127.0.0.1:6434/postgres");
  const url = new URL(scratchUrl);
  url.host = bouncer.host;
  return url.toString();
}
