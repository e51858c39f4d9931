import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll } from "vitest";

import { instrumentHttpServers } from "@/lib/runtime/http";
import { serveHotRoutesAheadOfNext } from "@/lib/server-start";

export type NextStandIn = {
  /** http://127.0.0.1:<port> */
  base: string;
  /** `METHOD url` of every request that reached the stand-in instead of a direct route. */
  reachedNext: string[];
  /** The same request (method, headers, body) sent over HTTP to the server, at its path. */
  overHttp(template: Request): Promise<Response>;
  /** Hands the hot routes back to "Next.js", then takes them again. */
  handBack(): void;
  serveAgain(): void;
};

/**
 * A web process's HTTP server in miniature: instrumented, with the hot routes served ahead of Next.js as
 * lib/server-start.ts does, and a stand-in for Next.js that answers 299 and records what reached it.
 */
export function withNextStandIn(): NextStandIn {
  let server: Server;
  let release = () => {};
  const standIn: NextStandIn = {
    base: "",
    reachedNext: [],
    async overHttp(template) {
      const url = new URL(template.url);
      return fetch(`${standIn.base}${url.pathname}${url.search}`, {
        method: template.method,
        headers: template.headers,
        body: ["GET", "HEAD"].includes(template.method) ? undefined : await template.arrayBuffer(),
      });
    },
    handBack: () => release(),
    serveAgain: () => void (release = serveHotRoutesAheadOfNext()),
  };
  beforeAll(async () => {
    instrumentHttpServers();
    standIn.serveAgain();
    server = createServer((req, res) => {
      standIn.reachedNext.push(`${req.method} ${req.url}`);
      res.writeHead(299, { "content-type": "text/plain" }).end("next");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    standIn.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    release();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  return standIn;
}
