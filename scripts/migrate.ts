/** npm run db:migrate — applies pending migrations to the configured database (PGlite or PostgreSQL). */
import { loadDotEnv } from "./lib/dotenv";
loadDotEnv();

const { getEnv } = await import("@/lib/env");
const { openDatabase } = await import("@/lib/db/client");
const { migrate } = await import("@/lib/db/migrate");

const env = getEnv();
const database = openDatabase(env.database);
try {
  const result = await migrate(database);
  const where = env.database.kind === "postgres" ? "PostgreSQL" : `PGlite (${env.database.dataDir ?? "memory"})`;
  console.log(
    result.applied.length
      ? `Applied ${result.applied.length} migration(s) to ${where}: ${result.applied.join(", ")}`
      : `${where} is up to date (${result.alreadyApplied.length} migrations).`,
  );
} finally {
  await database.close();
}
