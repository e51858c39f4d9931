import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import * as emailRoute from "@/app/api/emails/route";
import * as batchRoute from "@/app/api/emails/batch/route";
import * as emailByIdRoute from "@/app/api/emails/[id]/route";
import * as domainsRoute from "@/app/api/domains/route";
import * as domainByIdRoute from "@/app/api/domains/[id]/route";
import * as domainVerifyRoute from "@/app/api/domains/[id]/verify/route";
import * as resendWebhookRoute from "@/app/api/webhooks/resend/route";
import * as dodoWebhookRoute from "@/app/api/webhooks/dodo/route";
import * as suppressionsRoute from "@/app/api/suppressions/route";
import * as suppressionRoute from "@/app/api/suppressions/[address]/route";
import * as webhooksRoute from "@/app/api/webhooks/route";
import * as webhookByIdRoute from "@/app/api/webhooks/[id]/route";
import * as webhookRotateRoute from "@/app/api/webhooks/[id]/signing-secret/rotate/route";
import * as webhookEventsRoute from "@/app/api/webhooks/[id]/events/route";
import * as webhookEventRoute from "@/app/api/webhooks/[id]/events/[eventId]/route";
import * as webhookReplayRoute from "@/app/api/webhooks/[id]/events/[eventId]/replay/route";

/**
 * MailKit's own route handlers (the exported GET/POST functions, unchanged) behind a plain Node HTTP server,
 * so the official `resend` SDK and the emulators' webhooks can talk to them over real HTTP inside a Vitest
 * process, without `next start`. Only the sending and domain routes and both webhook receivers are mounted.
 */
export type AppServer = { url: string; apiBase: string; close(): Promise<void> };

type Handler = (request: Request, params: Record<string, string>) => Promise<Response>;

const routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [
  { method: "POST", pattern: /^\/api\/emails\/batch$/, handler: (r) => batchRoute.POST(r) },
  { method: "POST", pattern: /^\/api\/emails$/, handler: (r) => emailRoute.POST(r) },
  { method: "GET", pattern: /^\/api\/emails$/, handler: (r) => emailRoute.GET(r) },
  {
    method: "GET",
    pattern: /^\/api\/emails\/(?<id>[^/]+)$/,
    handler: (r, p) => emailByIdRoute.GET(r, { params: Promise.resolve({ id: p.id! }) }),
  },
  { method: "GET", pattern: /^\/api\/suppressions$/, handler: (r) => suppressionsRoute.GET(r) },
  { method: "POST", pattern: /^\/api\/suppressions$/, handler: (r) => suppressionsRoute.POST(r) },
  {
    method: "GET",
    pattern: /^\/api\/suppressions\/(?<address>[^/]+)$/,
    handler: (r, p) =>
      suppressionRoute.GET(r, { params: Promise.resolve({ address: decodeURIComponent(p.address!) }) }),
  },
  {
    method: "DELETE",
    pattern: /^\/api\/suppressions\/(?<address>[^/]+)$/,
    handler: (r, p) =>
      suppressionRoute.DELETE(r, { params: Promise.resolve({ address: decodeURIComponent(p.address!) }) }),
  },
  { method: "POST", pattern: /^\/api\/domains$/, handler: (r) => domainsRoute.POST(r) },
  { method: "GET", pattern: /^\/api\/domains$/, handler: (r) => domainsRoute.GET(r) },
  {
    method: "GET",
    pattern: /^\/api\/domains\/(?<id>[^/]+)$/,
    handler: (r, p) => domainByIdRoute.GET(r, { params: Promise.resolve({ id: p.id! }) }),
  },
  {
    method: "DELETE",
    pattern: /^\/api\/domains\/(?<id>[^/]+)$/,
    handler: (r, p) => domainByIdRoute.DELETE(r, { params: Promise.resolve({ id: p.id! }) }),
  },
  {
    method: "POST",
    pattern: /^\/api\/domains\/(?<id>[^/]+)\/verify$/,
    handler: (r, p) => domainVerifyRoute.POST(r, { params: Promise.resolve({ id: p.id! }) }),
  },
  { method: "POST", pattern: /^\/api\/webhooks\/resend$/, handler: (r) => resendWebhookRoute.POST(r) },
  { method: "POST", pattern: /^\/api\/webhooks\/dodo$/, handler: (r) => dodoWebhookRoute.POST(r) },
  // Customer webhook endpoints (lib/api/webhooks.ts)
  { method: "POST", pattern: /^\/api\/webhooks$/, handler: (r) => webhooksRoute.POST(r) },
  { method: "GET", pattern: /^\/api\/webhooks$/, handler: (r) => webhooksRoute.GET(r) },
  ...(["GET", "PATCH", "DELETE"] as const).map((method) => ({
    method,
    pattern: /^\/api\/webhooks\/(?<id>[^/]+)$/,
    handler: (r: Request, p: Record<string, string>) =>
      webhookByIdRoute[method](r, { params: Promise.resolve({ id: p.id! }) }),
  })),
  {
    method: "POST",
    pattern: /^\/api\/webhooks\/(?<id>[^/]+)\/signing-secret\/rotate$/,
    handler: (r, p) => webhookRotateRoute.POST(r, { params: Promise.resolve({ id: p.id! }) }),
  },
  {
    method: "GET",
    pattern: /^\/api\/webhooks\/(?<id>[^/]+)\/events$/,
    handler: (r, p) => webhookEventsRoute.GET(r, { params: Promise.resolve({ id: p.id! }) }),
  },
  {
    method: "GET",
    pattern: /^\/api\/webhooks\/(?<id>[^/]+)\/events\/(?<eventId>[^/]+)$/,
    handler: (r, p) => webhookEventRoute.GET(r, { params: Promise.resolve({ id: p.id!, eventId: p.eventId! }) }),
  },
  {
    method: "POST",
    pattern: /^\/api\/webhooks\/(?<id>[^/]+)\/events\/(?<eventId>[^/]+)\/replay$/,
    handler: (r, p) => webhookReplayRoute.POST(r, { params: Promise.resolve({ id: p.id!, eventId: p.eventId! }) }),
  },
];

export async function startAppServer(): Promise<AppServer> {
  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  return { url, apiBase: `${url}/api`, close: () => close(server) };
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const url = new URL(req.url ?? "/", "http://localhost");
    const route = routes
      .map((r) => ({ ...r, match: r.pattern.exec(url.pathname) }))
      .find((r) => r.match && r.method === req.method);
    if (!route) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ statusCode: 404, name: "not_found", message: "No route" }));
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(url, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
    });
    const response = await route.handler(request, route.match!.groups ?? {});
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(body);
  } catch (error) {
    console.error("[test app server]", error);
    if (!res.headersSent) res.writeHead(500).end();
  }
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
