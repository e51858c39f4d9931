import { z } from "zod";

import { RUNTIME_VARIABLES } from "./runtime";

/**
 * The one place MailKit reads its configuration. Everything else imports `env` from here.
 *
 * With no Dodo or Resend key, that service runs in **local mode**: the SDK is pointed at the
 * emulator (`npm run dev` starts it) with the emulator's well-known development credentials.
 * With keys, the same code talks to the real services.
 */

// Development-only defaults. They are public on purpose: the emulator accepts exactly these.
export const LOCAL_DEFAULTS = {
  emulatorUrl: "http://localhost:4010",
  dodoApiKey: "dodo_local_emulator_key",
  dodoWebhookKey: "whsec_bWFpbGtpdC1sb2NhbC1kb2RvLXdlYmhvb2stc2VjcmV0", // base64("mailkit-local-dodo-webhook-secret")
  resendApiKey: "re_local_emulator_key",
  resendWebhookSecret: "whsec_bWFpbGtpdC1sb2NhbC1yZXNlbmQtd2ViaG9vay1zZWNyZXQ=", // base64("mailkit-local-resend-webhook-secret")
  authSecret: "mailkit-local-development-auth-secret-not-for-production",
} as const;

const optionalString = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v));

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url({ message: "must be an http(s) URL" }).optional());

const webhookSecret = optionalString.refine((v) => v === undefined || /^whsec_[A-Za-z0-9+/=]+$/.test(v), {
  message: "must look like whsec_<base64>",
});

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),

  // Database: unset → embedded PGlite in PGLITE_DIR; postgres://… → PostgreSQL; "pglite:memory" → in-memory (tests).
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^postgres(ql)?:\/\//.test(v) || v === "pglite:memory" || v.startsWith("pglite:"),
    { message: "must be a postgres:// or postgresql:// URL (or unset for the embedded database)" },
  ),
  PGLITE_DIR: z.string().default(".data/pglite"),

  // The app's public origin (links in emails, checkout return URLs, Auth.js).
  APP_URL: optionalUrl.default("http://localhost:3000"),
  AUTH_SECRET: optionalString,

  // Dodo Payments
  DODO_PAYMENTS_API_KEY: optionalString,
  DODO_PAYMENTS_WEBHOOK_KEY: webhookSecret,
  DODO_PAYMENTS_ENVIRONMENT: z.enum(["test_mode", "live_mode"]).default("test_mode"),
  DODO_PAYMENTS_BASE_URL: optionalUrl,
  DODO_CREDIT_ENTITLEMENT_ID: optionalString,
  DODO_PLAN_PRODUCT_ID: optionalString,
  DODO_TOPUP_PRODUCT_ID: optionalString,

  // Resend
  RESEND_API_KEY: optionalString,
  RESEND_BASE_URL: optionalUrl,
  RESEND_WEBHOOK_SECRET: webhookSecret,
  EMAIL_FROM: optionalString.default("MailKit <onboarding@resend.dev>"),

  // Sending
  RESEND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  API_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(10),
  // Resend's documented default: 5 requests per second per team, shared by every API key and every instance.
  RESEND_RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).max(10_000).default(5),
  // Prometheus text at GET /api/metrics with `Authorization: Bearer <token>`; unset → 404.
  METRICS_TOKEN: optionalString,

  // How many reverse proxies in front of MailKit append to X-Forwarded-For (0: none, use the socket address).
  // Magic links per client address and per email address, per hour.
  SIGNIN_LINKS_PER_CLIENT_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(20),
  SIGNIN_LINKS_PER_ADDRESS_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(5),
  TRUST_PROXY: z.coerce.number({ message: "must be a number of proxies (0–10)" }).int().min(0).max(10).default(0),

  // Local emulators (local mode only)
  EMULATOR_URL: optionalUrl.default(LOCAL_DEFAULTS.emulatorUrl),

  // Roles, database pool, logs, cron (runtime.ts)
  ...RUNTIME_VARIABLES,
});

export type Env = z.infer<typeof schema> & {
  dodoLocal: boolean;
  resendLocal: boolean;
  dodo: { apiKey: string; webhookKey: string; baseURL: string | undefined; environment: "test_mode" | "live_mode" };
  resend: { apiKey: string; baseURL: string | undefined; webhookSecret: string | undefined };
  authSecret: string;
  database:
    { kind: "postgres"; url: string; preparedStatements?: boolean } | { kind: "pglite"; dataDir: string | undefined };
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const parsed = schema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const variable = issue.path.join(".") || "environment";
    throw new ConfigError(`Invalid configuration: ${variable} ${issue.message}`);
  }
  const e = parsed.data;
  const dodoLocal = !e.DODO_PAYMENTS_API_KEY;
  const resendLocal = !e.RESEND_API_KEY;
  const production = e.NODE_ENV === "production";

  if (!dodoLocal && !e.DODO_PAYMENTS_WEBHOOK_KEY) {
    throw new ConfigError(
      "Invalid configuration: DODO_PAYMENTS_WEBHOOK_KEY is required when DODO_PAYMENTS_API_KEY is set",
    );
  }
  if (production && !dodoLocal && !e.AUTH_SECRET) {
    throw new ConfigError("Invalid configuration: AUTH_SECRET is required in production with real keys");
  }

  const emulator = e.EMULATOR_URL.replace(/\/$/, "");
  const database: Env["database"] =
    e.DATABASE_URL && /^postgres(ql)?:\/\//.test(e.DATABASE_URL)
      ? { kind: "postgres", url: e.DATABASE_URL, preparedStatements: e.DATABASE_PREPARED_STATEMENTS === "true" }
      : {
          kind: "pglite",
          dataDir:
            e.DATABASE_URL === "pglite:memory" ? undefined : e.DATABASE_URL?.slice("pglite:".length) || e.PGLITE_DIR,
        };

  return {
    ...e,
    dodoLocal,
    resendLocal,
    dodo: dodoLocal
      ? {
          apiKey: LOCAL_DEFAULTS.dodoApiKey,
          webhookKey: e.DODO_PAYMENTS_WEBHOOK_KEY ?? LOCAL_DEFAULTS.dodoWebhookKey,
          baseURL: e.DODO_PAYMENTS_BASE_URL ?? `${emulator}/dodo`,
          environment: e.DODO_PAYMENTS_ENVIRONMENT,
        }
      : {
          apiKey: e.DODO_PAYMENTS_API_KEY!,
          webhookKey: e.DODO_PAYMENTS_WEBHOOK_KEY!,
          baseURL: e.DODO_PAYMENTS_BASE_URL,
          environment: e.DODO_PAYMENTS_ENVIRONMENT,
        },
    resend: resendLocal
      ? {
          apiKey: LOCAL_DEFAULTS.resendApiKey,
          baseURL: e.RESEND_BASE_URL ?? `${emulator}/resend`,
          webhookSecret: e.RESEND_WEBHOOK_SECRET ?? LOCAL_DEFAULTS.resendWebhookSecret,
        }
      : { apiKey: e.RESEND_API_KEY!, baseURL: e.RESEND_BASE_URL, webhookSecret: e.RESEND_WEBHOOK_SECRET },
    authSecret: e.AUTH_SECRET ?? LOCAL_DEFAULTS.authSecret,
    database,
  };
}

let cached: Env | undefined;

/** The validated configuration of this process. Throws a ConfigError naming the bad variable. */
export function getEnv(): Env {
  if (!cached) {
    cached = parseEnv(process.env);
    // Auth.js builds magic links from AUTH_URL, else from the request's (spoofable) Host/X-Forwarded-Host
    // headers; pin it to MailKit's own origin so nobody can get a sign-in link that points elsewhere.
    process.env.AUTH_URL ??= new URL(cached.APP_URL).origin;
  }
  return cached;
}

/** Tests change process.env between cases; this makes the next getEnv() read it again. */
export function resetEnvForTests(): void {
  cached = undefined;
}
