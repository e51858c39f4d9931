import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));
const alias = { "@": root };

// Integration tests run on an in-memory PGlite, and on PostgreSQL too when TEST_DATABASE_URL is set
// (each test file in a fresh database that it creates and drops).
const databases = process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];

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
      ...databases.map((database) => ({
        resolve: { alias },
        test: {
          name: `integration-${database}`,
          include: ["tests/integration/**/*.test.ts"],
          environment: "node" as const,
          setupFiles: ["tests/setup/database.ts"],
          // next-auth imports `next/server` without an extension, which only a bundler resolves.
          server: { deps: { inline: ["next-auth"] } },
          env: { MAILKIT_TEST_DATABASE: database },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      })),
    ],
  },
});
