import { defineConfig } from "prisma/config";

// Prisma 7 keeps the connection out of the schema. `env("DATABASE_URL")` would throw when the
// variable is unset (CI, generate), so read it leniently: only the CLI's migrate commands use it.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
