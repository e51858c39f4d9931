import { existsSync } from "node:fs";

/** Loads .env (if present) the way Next.js does, without overriding variables already set. */
export function loadDotEnv(file = ".env"): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
