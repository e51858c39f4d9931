// Prisma 6's WASM schema engine needs a reachable database even for a schema→schema diff: give it an
// in-memory PGlite. Used only by diff.mjs; the app never loads this file.
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import type { PrismaConfig } from "prisma";

export default {
  experimental: { adapter: true },
  engine: "js",
  schema: process.env.MIGRATION_TOOL_SCHEMA ?? "work/to.prisma",
  async adapter() {
    return new PrismaPGlite(new PGlite());
  },
} satisfies PrismaConfig;
