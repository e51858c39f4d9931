// Prints the SQL that turns schema FROM into schema TO (either may be "empty"), with Prisma 6's engine.
// Usage (from npm run db:migration:create): node diff.mjs <from.prisma|empty> <to.prisma>
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [from, to] = process.argv.slice(2);
const work = join(here, "work");
mkdirSync(work, { recursive: true });

// Prisma 6 wants a url and no Prisma-7-only generator; the diff only concerns the models.
function forPrisma6(path) {
  const source = readFileSync(path, "utf8")
    .replace(/generator\s+\w+\s*\{[^}]*\}/g, "")
    .replace(/datasource\s+db\s*\{[^}]*\}/, 'datasource db {\n  provider = "postgresql"\n  url = "postgresql://unused"\n}');
  return source;
}

const args = ["prisma", "migrate", "diff", "--script"];
if (from === "empty") args.push("--from-empty");
else {
  writeFileSync(join(work, "from.prisma"), forPrisma6(from));
  args.push("--from-schema-datamodel", join(work, "from.prisma"));
}
writeFileSync(join(work, "to.prisma"), forPrisma6(to));
args.push("--to-schema-datamodel", join(work, "to.prisma"));

const anyFile = join(here, "package.json");
const result = spawnSync("npx", args, {
  cwd: here,
  encoding: "utf8",
  env: {
    ...process.env,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    PRISMA_QUERY_ENGINE_LIBRARY: existsSync(anyFile) ? anyFile : undefined,
    MIGRATION_TOOL_SCHEMA: join(work, "to.prisma"),
  },
});
if (result.status !== 0) {
  process.stderr.write(result.stderr || result.stdout);
  process.exit(result.status ?? 1);
}
process.stdout.write(result.stdout);
