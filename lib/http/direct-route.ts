import type http from "node:http";

import { getEnv } from "@/lib/env";
import type { DirectHandler } from "@/lib/runtime/http";
import { logger } from "@/lib/runtime/log";

import { fromNodeRequest, type EdgeAnswer, type EdgeRequest } from "./edge";
import { errorAnswer } from "./errors";
import { API_CSP, commonSecurityHeaders, hstsHeader } from "./security-headers";

/**
 * A route served straight from Node's HTTP server, ahead of Next.js (lib/runtime/http.ts `serveAheadOfNext`).
 * At full speed every email brings such requests (its send, Resend's webhook about it), and Next's per-request
 * work (routing, its render pipeline, tracing) and the web Request/Response around it cost more than the route's own
 * work. `answer` is the `answer` of the very route the route file exports (lib/http/edge.ts), so both ways answer
 * alike; this adds what next.config.ts and the socket hook (lib/http/client-address.ts) give every API response.
 */
export function directRoute(answer: (request: EdgeRequest) => Promise<EdgeAnswer>): DirectHandler {
  const apiHeaders = { ...commonSecurityHeaders({ https: false }), "content-security-policy": API_CSP };
  return (incoming, outgoing) => void serve(incoming, outgoing);

  async function serve(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    let result: EdgeAnswer;
    try {
      result = await answer(fromNodeRequest(incoming, outgoing));
    } catch (error) {
      result = errorAnswer(error, "plain");
    }
    try {
      const hsts = hstsHeader(getEnv().APP_URL);
      outgoing
        .writeHead(result.status, {
          ...apiHeaders,
          ...(hsts && { "strict-transport-security": hsts }),
          ...result.headers,
          "content-length": Buffer.byteLength(result.body),
        })
        .end(result.body);
    } catch (error) {
      logger("http").error({ err: error, path: incoming.url }, "answering a direct route failed");
      outgoing.destroy();
    }
  }
}
