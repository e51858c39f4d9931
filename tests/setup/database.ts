/**
 * Gives each integration test file a fresh, migrated database: an in-memory PGlite, or a new PostgreSQL
 * database created from TEST_DATABASE_URL and dropped afterwards.
 */
import { afterAll } from "vitest";

import { openDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { setDatabaseForTests } from "@/lib/db";
import { createScratchPostgres } from "./postgres";

const kind = process.env.MAILKIT_TEST_DATABASE ?? "pglite";

if (kind === "postgres") {
  const scratch = await createScratchPostgres();
  const database = openDatabase({ kind: "postgres", url: scratch.url });
  await migrate(database);
  setDatabaseForTests(database);
  process.env.DATABASE_URL = scratch.url;
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
