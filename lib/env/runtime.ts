import { z } from "zod";

/**
 * How this process runs in production: its role, its database pool, its logs and the cron secret. Validated with
 * the rest of the configuration (index.ts); an invalid value stops the process at start with the variable's name.
 */

export const ROLES = ["all", "web", "worker"] as const;
export type Role = (typeof ROLES)[number];

const optionalSecret = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v))
  .refine((v) => v === undefined || v.length >= 16, { message: "must be at least 16 characters" });

/** The variables of this file, part of the schema in index.ts (the one place configuration is read). */
export const RUNTIME_VARIABLES = {
  // all: HTTP and every background loop (one process does everything); web: HTTP only; worker: loops only.
  MAILKIT_ROLE: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }).default("all"),
  // Connections per process to PostgreSQL (each web and worker process has its own pool).
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  // How long a query waits for a free pooled connection before it fails (a starved pool errors, never hangs).
  DATABASE_POOL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Name the send path's statements so PostgreSQL parses and plans each once per connection; `false` behind a
  // transaction-mode pooler that cannot keep prepared statements (PgBouncer before 1.21, or without
  // max_prepared_statements).
  DATABASE_PREPARED_STATEMENTS: z.enum(["true", "false"], { message: "must be true or false" }).default("true"),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // JSON log lines even in development (where they are pretty-printed when pino-pretty is installed).
  LOG_JSON: z.enum(["0", "1", "true", "false"]).optional(),
  // GET/POST /api/cron with `Authorization: Bearer <CRON_SECRET>` runs one pass of every loop; unset → 404.
  CRON_SECRET: optionalSecret,
  // The worker answers GET /api/health and /api/ready on this port (for its orchestrator); unset → no HTTP at all.
  WORKER_HEALTH_PORT: z.coerce.number().int().min(1).max(65_535).optional(),
};

export type RuntimeConfig = z.infer<z.ZodObject<typeof RUNTIME_VARIABLES>>;

export class RuntimeConfigError extends Error {
  override name = "RuntimeConfigError";
}

export const runsLoops = (role: Role) => role !== "web";
export const servesHttp = (role: Role) => role !== "worker";
