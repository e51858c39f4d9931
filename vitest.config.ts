import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };

// Integration tests run on an in-memory PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set
// (each test file in a fresh database that it creates and drops). With TEST_PGBOUNCER_URL as well, the tests of
// concurrency (admission races, the dispatcher, two processes, reliability, webhooks, debits) run a third time
// through PgBouncer in transaction pooling: the whole suite a third time would add ~10 minutes to CI.
const databases = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
const throughPgBouncer = [
  "tests/integration/api-emails.test.ts",
  "tests/integration/sending-*.test.ts",
  "tests/integration/credits-debits.test.ts",
  "tests/integration/database.test.ts",
  "tests/integration/deploy-*.test.ts",
];

const integration = (name: string, database: string, include: string[]) => ({
  resolve: { alias },
  test: {
    name,
    include,
    environment: "node" as const,
    setupFiles: ["tests/setup/database.ts"],
    // next-auth imports `next/server` without an extension, which only a bundler resolves.
    server: { deps: { inline: ["next-auth"] } },
    env: { MAILKIT_TEST_DATABASE: database },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"], environment: "node" },
      },
      {
        resolve: { alias },
        test: {
          name: "emulators",
          include: ["tests/emulators/**/*.test.ts"],
          environment: "node" as const,
          testTimeout: 30_000,
        },
      },
      ...databases.map((database) =>
        integration(`integration-${database}`, database, ["tests/integration/**/*.test.ts"]),
      ),
      ...(process.env.TEST_DATABASE_URL && process.env.TEST_PGBOUNCER_URL
        ? [integration("integration-pgbouncer", "pgbouncer", throughPgBouncer)]
        : []),
      // The production build (.next/standalone) started as the container starts it, on PostgreSQL.
      ...(process.env.TEST_DATABASE_URL
        ? [integration("standalone", "postgres", ["tests/standalone/**/*.test.ts"])]
        : []),
    ],
  },
});
