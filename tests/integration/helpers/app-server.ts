import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PUBLIC_API_OPERATIONS, routeFileOf } from "@/lib/api/operations";

/**
 * MailKit's own route handlers (the exported GET/POST… functions, unchanged) behind a plain Node HTTP server,
 * so the official `resend` SDK and the emulators' webhooks can talk to them over real HTTP inside a Vitest
 * process, without `next start`. Mounted: every operation of the public API (lib/api/operations.ts), each from
 * its route file, and the two provider webhook receivers.
 */
export type AppServer = { url: string; apiBase: string; close(): Promise<void> };

type RouteHandler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Route = { method: string; pattern: RegExp; handler: RouteHandler };

/** Dodo's and Resend's webhooks, which are MailKit's own endpoints rather than operations of the public API. */
const PROVIDER_RECEIVERS = [
  { method: "POST", path: "/webhooks/dodo" },
  { method: "POST", path: "/webhooks/resend" },
];

const root = fileURLToPath(new URL("../../..", import.meta.url));

/** `/emails/{id}` → /^\/api\/emails\/(?<id>[^/]+)$/ */
function pathPattern(apiPath: string): RegExp {
  const source = apiPath
    .split("/")
    .map((segment) => segment.replace(/^\{([^}]+)\}$/, "(?<$1>[^/]+)"))
    .join("\\/");
  return new RegExp(`^\\/api${source}$`);
}

let mounted: Promise<Route[]> | undefined;

/** Every route, the receivers first (their literal paths win over `/webhooks/{id}`). */
function routes(): Promise<Route[]> {
  mounted ??= Promise.all(
    [...PROVIDER_RECEIVERS, ...PUBLIC_API_OPERATIONS].map(async ({ method, path: apiPath }) => {
      const routeModule = (await import(path.join(root, routeFileOf(apiPath)))) as Record<string, RouteHandler>;
      const handler = routeModule[method];
      if (!handler) throw new Error(`${routeFileOf(apiPath)} exports no ${method}`);
      return { method, pattern: pathPattern(apiPath), handler };
    }),
  );
  return mounted;
}

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
    const route = (await routes())
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
    const params = Object.fromEntries(
      Object.entries(route.match!.groups ?? {}).map(([name, value]) => [name, decodedParameter(value)]),
    );
    const response = await route.handler(request, { params: Promise.resolve(params) });
    const body = Buffer.from(await response.arrayBuffer());
    res.writeHead(response.status, Object.fromEntries(response.headers.entries())).end(body);
  } catch (error) {
    console.error("[test app server]", error);
    if (!res.headersSent) res.writeHead(500).end();
  }
}

/** Next.js hands route handlers their path parameters decoded (a malformed escape is left as it is). */
function decodedParameter(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
