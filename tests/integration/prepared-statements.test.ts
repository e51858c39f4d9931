import { afterAll, describe, expect, it } from "vitest";

import { openDatabase, type Database } from "@/lib/db/client";
import { resetEnvForTests } from "@/lib/env";

/**
 * On PostgreSQL the send path's statements (`sql()`, Database.query) are prepared once per connection, so the
 * server parses and plans them once; with DATABASE_PREPARED_STATEMENTS=false (transaction-mode poolers) they stay
 * unnamed. Runs where the suite's database is PostgreSQL itself.
 */

const url = process.env.MAILKIT_TEST_DATABASE === "postgres" ? process.env.DATABASE_URL : undefined;
const opened: Database[] = [];
afterAll(async () => Promise.all(opened.map((database) => database.close())));

// One connection, so that pg_prepared_statements (per session) shows what this pool prepared.
function onePooledConnection(preparedStatements: boolean): Database {
  const previous = process.env.DATABASE_POOL_SIZE;
  process.env.DATABASE_POOL_SIZE = "1";
  resetEnvForTests();
  try {
    const database = openDatabase({ kind: "postgres", url: url!, preparedStatements });
    opened.push(database);
    return database;
  } finally {
    if (previous === undefined) delete process.env.DATABASE_POOL_SIZE;
    else process.env.DATABASE_POOL_SIZE = previous;
    resetEnvForTests();
  }
}

const STATEMENT = `SELECT $1::int + 1 AS "next" /* prepared-statements test */`;
const preparedHere = (database: Database) =>
  database.query<{ statement: string }>(`SELECT statement FROM pg_prepared_statements`);

describe.skipIf(!url)("prepared statements on PostgreSQL", () => {
  it("prepares each statement once per connection and reuses it, with the same answers", async () => {
    const database = onePooledConnection(true);
    expect(await database.query(STATEMENT, [1])).toEqual([{ next: 2 }]);
    expect(await database.query(STATEMENT, [41])).toEqual([{ next: 42 }]);
    const statements = (await preparedHere(database)).map((row) => row.statement);
    expect(statements.filter((text) => text === STATEMENT)).toHaveLength(1);
  });

  it("leaves statements unnamed when switched off", async () => {
    const database = onePooledConnection(false);
    expect(await database.query(STATEMENT, [2])).toEqual([{ next: 3 }]);
    expect(await preparedHere(database)).toEqual([]);
  });
});
