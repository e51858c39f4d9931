import type http from "node:http";

import { getEnv } from "@/lib/env";
import type { DirectHandler } from "@/lib/runtime/http";
import { logger } from "@/lib/runtime/log";

import { SOCKET_ADDRESS_HEADER } from "./client-address";
import { errorResponse } from "./errors";
import { API_CSP, commonSecurityHeaders, hstsHeader } from "./security-headers";

/**
 * A route handler served straight from Node's HTTP server, ahead of Next.js (lib/runtime/http.ts
 * `serveAheadOfNext`). At full speed Resend sends MailKit about one webhook per email, and Next's per-request
 * work (routing, its render pipeline, tracing) cost more than verifying and recording the event. The handler is
 * the very function the route file exports, so both ways answer alike; this adds what next.config.ts and the
 * socket hook (lib/http/client-address.ts) give every API response.
 */
export function directRoute(handler: (request: Request) => Promise<Response>): DirectHandler {
  const apiHeaders = { ...commonSecurityHeaders({ https: false }), "content-security-policy": API_CSP };
  return (incoming, outgoing) => void serve(incoming, outgoing);

  async function serve(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Promise<void> {
    let response: Response;
    try {
      response = await handler(toRequest(incoming, outgoing));
    } catch (error) {
      response = errorResponse(error, "plain");
    }
    try {
      const body = Buffer.from(await response.arrayBuffer());
      const hsts = hstsHeader(getEnv().APP_URL);
      const headers: Record<string, string | number> = {
        ...apiHeaders,
        ...(hsts && { "strict-transport-security": hsts }),
      };
      for (const [name, value] of response.headers) headers[name] = value;
      outgoing.writeHead(response.status, { ...headers, "content-length": body.byteLength }).end(body);
    } catch (error) {
      logger("http").error({ err: error, path: incoming.url }, "answering a direct route failed");
      outgoing.destroy();
    }
  }
}

/** The Web Request a route handler expects; the body streams (route handlers bound what they read). */
function toRequest(incoming: http.IncomingMessage, outgoing: http.ServerResponse): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (Array.isArray(value)) for (const item of value) headers.append(name, item);
  }
  headers.set(SOCKET_ADDRESS_HEADER, incoming.socket?.remoteAddress ?? "unknown");
  const method = incoming.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(incoming.url ?? "/", "http://localhost"), {
    method,
    headers,
    ...(hasBody ? { body: bodyStream(incoming, outgoing), duplex: "half" } : {}),
  } as RequestInit);
}

/**
 * The request body as a web stream. When the handler stops reading (a body over its limit), the rest is dropped
 * and the connection closes after the answer: the sender still gets its 413, which destroying the request (what
 * `Readable.toWeb` does on cancel) would lose with the socket.
 */
function bodyStream(incoming: http.IncomingMessage, outgoing: http.ServerResponse): ReadableStream<Uint8Array> {
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      // Whatever arrives after the answer (a body the handler never read) is dropped, not queued.
      outgoing.once("close", () => (cancelled = true));
      incoming.pause();
      incoming.on("data", (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) incoming.pause();
      });
      incoming.on("end", () => !cancelled && controller.close());
      incoming.on("error", (error) => !cancelled && controller.error(error));
    },
    pull() {
      incoming.resume();
    },
    cancel() {
      cancelled = true;
      if (!outgoing.headersSent) outgoing.setHeader("connection", "close");
      incoming.resume();
    },
  });
}
