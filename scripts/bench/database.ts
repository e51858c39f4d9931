import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import pg from "pg";

/**
 * The benchmark's database: a fresh PostgreSQL database next to BENCH_DATABASE_URL (dropped at the end), or a
 * PGlite directory in a temp dir. `url` is MailKit's DATABASE_URL for both the setup (this process) and the app.
 */
export type BenchDatabase = {
  kind: "postgres" | "pglite";
  url: string;
  label: string;
  /** PostgreSQL only: committed transactions of the benchmark database so far (pg_stat_database). */
  transactions(): Promise<number | null>;
  drop(): Promise<void>;
};

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const base = process.env.BENCH_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), "mailkit-bench-pglite-"));
    return {
      kind: "pglite",
      url: `pglite:${dir}`,
      label: `PGlite (embedded, ${dir})`,
      transactions: async () => null,
      async drop() {
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const server = new URL(base);
  if (!["localhost", "127.0.0.1", "[::1]"].includes(server.hostname))
    throw new Error(`BENCH_DATABASE_URL must point at a loopback address, not ${server.hostname}`);
  const name = `mailkit_bench_${new Date().toISOString().replace(/\D/g, "").slice(0, 14)}_${process.pid}`;
  await withClient(base, (c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(base);
  url.pathname = `/${name}`;
  // One connection that only samples the statistics (each sample is one transaction of its own; subtracted).
  const sampler = new pg.Client({ connectionString: url.toString() });
  await sampler.connect();
  sampler.on("error", () => {}); // dropped with FORCE at the end
  let samplerOpen = true;
  return {
    kind: "postgres",
    url: url.toString(),
    label: `PostgreSQL (${url.host}/${name})`,
    async transactions() {
      const { rows } = await sampler.query<{ xact_commit: string }>(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
      );
      return Number(rows[0]?.xact_commit ?? 0);
    },
    async drop() {
      if (samplerOpen) {
        samplerOpen = false;
        await sampler.end().catch(() => {});
      }
      await withClient(base, (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** The server's version string (PostgreSQL) — PGlite's comes from the setup connection. */
export async function postgresVersion(url: string): Promise<string> {
  return withClient(
    url,
    async (c) => (await c.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "?",
  );
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
