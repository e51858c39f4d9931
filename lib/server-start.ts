import { releaseDeliveryLeases, startBackgroundWork } from "@/lib/background";
import { checkDatabase, closeDatabase, ensureMigrated } from "@/lib/db";
import { ConfigError, getEnv } from "@/lib/env";
import { flushRequestLog } from "@/lib/request-log";
import { logger } from "@/lib/runtime/log";
import { RuntimeConfigError, servesHttp, type Role } from "@/lib/env/runtime";
import { sendBatchRoute, sendEmailRoute } from "@/lib/api/send-routes";
import { directRoute } from "@/lib/http/direct-route";
import { webhookInbox } from "@/lib/http/webhook-inbox";
import { resendWebhooks } from "@/lib/inbound/resend";
import { PLATFORM_WEBHOOK_PATH } from "@/lib/resend/webhook-subscription";
import { instrumentHttpServers, serveAheadOfNext } from "@/lib/runtime/http";
import { loopHealth, type LoopHealth } from "@/lib/runtime/readiness";
import { flushOnShutdown, installShutdownHandlers, shuttingDown } from "@/lib/runtime/shutdown";

/**
 * Starts a MailKit process of any role: fail fast on bad configuration, apply pending migrations (under the
 * advisory lock, so instances starting together apply each once), start the role's background work, and shut down
 * gracefully on SIGTERM/SIGINT. The web and all roles run inside Next.js (instrumentation.ts); the worker runs
 * in plain Node (scripts/worker.ts).
 */
export async function onServerStart(host: "next" | "node" = "next"): Promise<Role> {
  const log = logger("start");
  let role: Role;
  try {
    const env = getEnv();
    role = getEnv().MAILKIT_ROLE;
    if (host === "next" && role === "worker") {
      throw new RuntimeConfigError("MAILKIT_ROLE=worker runs without Next.js: start it with `npm run worker`.");
    }
    if (host === "node" && role !== "worker") {
      throw new RuntimeConfigError(`MAILKIT_ROLE=${role} serves HTTP: start it with \`npm start\`.`);
    }
    if (env.NODE_ENV === "production" && (env.dodoLocal || env.resendLocal)) {
      log.warn(
        "MailKit is running in production mode with local emulators (no Dodo/Resend keys): fine for a demo, never for real customers.",
      );
    }
  } catch (error) {
    if (!(error instanceof ConfigError || error instanceof RuntimeConfigError)) throw error;
    log.fatal(error.message);
    process.exit(1);
  }
  if (servesHttp(role)) {
    instrumentHttpServers();
    serveHotRoutesAheadOfNext();
  }
  await ensureMigrated();
  startBackgroundWork(role);
  flushOnShutdown(flushRequestLog);
  installShutdownHandlers({ releaseLeases: releaseDeliveryLeases, closeDatabase });
  log.info({ database: getEnv().database.kind }, `started (${role})`);
  return role;
}

/**
 * The requests every email brings (its send, alone or in a batch, and Resend's webhooks about it) are answered by
 * this process without Next.js's per-request work (lib/http/direct-route.ts): the sends with the very handlers
 * their route files export, Resend's webhooks with the inbox built as its route file builds it. Returns the undo.
 */
export function serveHotRoutesAheadOfNext(): () => void {
  const undo = [
    serveAheadOfNext("POST", PLATFORM_WEBHOOK_PATH, directRoute(webhookInbox(resendWebhooks).answer)),
    ...[sendEmailRoute, sendBatchRoute].map((route) =>
      serveAheadOfNext(route.operation.method, `/api${route.operation.path}`, directRoute(route.answer)),
    ),
  ];
  return () => undo.forEach((handBack) => handBack());
}

export type Readiness = {
  ok: boolean;
  role: Role;
  database: { ok: boolean; error?: string };
  loops: LoopHealth[];
  problems: string[];
};

/**
 * Whether this process should get work: the database answers with every migration applied, each loop this role
 * runs completed a pass recently (lib/runtime/readiness.ts), and it is not shutting down. `problems` says what
 * is wrong, one line each.
 */
export async function checkReadiness(): Promise<Readiness> {
  const database = await checkDatabase();
  const loops = loopHealth();
  const problems = [
    ...(database.ok ? [] : [database.error]),
    ...loops.filter((loop) => !loop.ok).map((loop) => `loop ${loop.name}: ${loop.reason}`),
    ...(shuttingDown() ? ["shutting down"] : []),
  ];
  return { ok: problems.length === 0, role: getEnv().MAILKIT_ROLE, database, loops, problems };
}
