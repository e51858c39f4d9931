/**
 * A web instance (MAILKIT_ROLE=web) in a process of its own: started the way the app starts (lib/server-start.ts:
 * migrations, the role's background work — the dispatcher on demand — and graceful shutdown), serving MailKit's
 * route handlers (./app-server.ts) on a local port, which it prints as "url http://…". DATABASE_URL and
 * EMULATOR_URL come from the test.
 */
import { onServerStart } from "@/lib/server-start";

import { startAppServer } from "./app-server";

process.env.MAILKIT_ROLE = "web";
await onServerStart("next");
const app = await startAppServer();
console.log(`url ${app.url}`);
