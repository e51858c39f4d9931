/**
 * npm run worker — MailKit's background work without Next.js (MAILKIT_ROLE=worker): the dispatcher, debits,
 * credit syncs, outbox, customer webhooks, domain polling and cleanup, in one plain Node process. Run any number
 * next to any number of web instances (MAILKIT_ROLE=web) on one PostgreSQL. SIGTERM/SIGINT shut it down
 * gracefully (lib/runtime/shutdown.ts). With WORKER_HEALTH_PORT it answers /api/health and /api/ready.
 */
import { createServer } from "node:http";

import { loadDotEnv } from "./lib/dotenv";

loadDotEnv();
Object.assign(process.env, { NODE_ENV: process.env.NODE_ENV || "production" });
process.env.MAILKIT_ROLE ||= "worker";

const { onServerStart, checkReadiness } = await import("@/lib/server-start");
const { getEnv } = await import("@/lib/env");
const { logger } = await import("@/lib/runtime/log");

await onServerStart("node");
// The loops' timers do not hold the process open (unref'd, so they never delay a shutdown): this does, until
// SIGTERM/SIGINT ends the process through lib/runtime/shutdown.ts.
setInterval(() => undefined, 3600_000);

const port = getEnv().WORKER_HEALTH_PORT;
if (port) {
  const server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0];
    const answer = (status: number, body: unknown) =>
      response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    if (request.method !== "GET") return answer(405, { error: "method_not_allowed", message: "GET only." });
    if (path === "/api/health") return answer(200, { ok: true });
    if (path === "/api/ready") {
      void checkReadiness().then((readiness) => answer(readiness.ok ? 200 : 503, readiness));
      return;
    }
    answer(404, { error: "not_found", message: "Only /api/health and /api/ready." });
  });
  server.listen(port, () => logger("worker").info({ port }, "health and readiness on /api/health, /api/ready"));
  server.unref();
}
