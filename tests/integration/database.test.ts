import { describe, expect, it } from "vitest";

import { db, getDatabase } from "@/lib/db";
import { migrate, readMigrations } from "@/lib/db/migrate";

describe("database", () => {
  it("has every migration recorded the way Prisma Migrate records it", async () => {
    const migrations = readMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    const rows = await db.$queryRawUnsafe<
      { migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }[]
    >(
      `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    for (const [i, row] of rows.entries()) {
      expect(row.checksum).toBe(migrations[i]!.checksum);
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).not.toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("applies migrations once: running again is a no-op", async () => {
    const again = await migrate(getDatabase());
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toHaveLength(readMigrations().length);
    const count = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "_prisma_migrations"`);
    expect(Number(count[0]!.n)).toBe(readMigrations().length);
  });

  it("refuses a migration that was edited after it was applied", async () => {
    const edited = readMigrations().map((m, i) => (i === 0 ? { ...m, checksum: "0".repeat(64) } : m));
    await expect(migrate(getDatabase(), edited)).rejects.toThrow(/checksum mismatch/);
  });

  it("rolls back a failing migration entirely", async () => {
    const broken = [
      ...readMigrations(),
      {
        name: "99999999999999_broken",
        sql: `CREATE TABLE "Tmp" (id int); SELECT * FROM "NoSuchTable";`,
        checksum: "f".repeat(64),
      },
    ];
    await expect(migrate(getDatabase(), broken)).rejects.toThrow(/99999999999999_broken failed/);
    const tables = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM information_schema.tables WHERE table_name = 'Tmp'`,
    );
    expect(Number(tables[0]!.n)).toBe(0);
    const recorded = await db.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*) AS n FROM "_prisma_migrations" WHERE migration_name = '99999999999999_broken'`,
    );
    expect(Number(recorded[0]!.n)).toBe(0);
  });

  it("round-trips a user, enforces unique customer IDs and rolls back transactions", async () => {
    const user = await db.user.create({ data: { email: "roundtrip@example.com", dodoCustomerId: "cus_roundtrip" } });
    expect((await db.user.findUnique({ where: { email: "roundtrip@example.com" } }))?.id).toBe(user.id);

    await expect(
      db.user.create({ data: { email: "other@example.com", dodoCustomerId: "cus_roundtrip" } }),
    ).rejects.toMatchObject({ code: "P2002" });

    await expect(
      db.$transaction(async (tx) => {
        await tx.user.update({ where: { id: user.id }, data: { name: "Changed" } });
        throw new Error("abort");
      }),
    ).rejects.toThrow("abort");
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).name).toBeNull();
  });

  it("keeps an embedded database's data across a restart (reopening its directory)", async () => {
    const { mkdtempSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { openDatabase } = await import("@/lib/db/client");
    const dataDir = mkdtempSync(join(tmpdir(), "mailkit-pglite-"));
    try {
      const first = openDatabase({ kind: "pglite", dataDir });
      await migrate(first);
      await first.prisma.user.create({ data: { email: "survivor@example.com" } });
      await first.close();

      const second = openDatabase({ kind: "pglite", dataDir });
      expect((await migrate(second)).applied).toEqual([]);
      expect(await second.prisma.user.findUnique({ where: { email: "survivor@example.com" } })).not.toBeNull();
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("keeps the schema snapshot in step with prisma/schema.prisma (a schema change needs a migration)", async () => {
    const { readFileSync } = await import("node:fs");
    expect(readFileSync("prisma/migrations/schema.at-last-migration.prisma", "utf8")).toBe(
      readFileSync("prisma/schema.prisma", "utf8"),
    );
  });
});
