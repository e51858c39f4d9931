import type http from "node:http";

import { SOCKET_ADDRESS_HEADER } from "./client-address";
import { BodyTooLargeError, readBodyBytes } from "./body";

/**
 * The request and the answer of a route that runs two ways (lib/server-start.ts): as a Next.js route handler, over
 * web Request/Response, and straight from Node's HTTP server (lib/http/direct-route.ts), over Node's own request and
 * response. Every email brings such a request; building web objects for each of them (headers, streams, abort
 * signals) was a tenth of the server's CPU under load, so the route's logic reads this instead.
 */

export type EdgeRequest = {
  method: string;
  /** The path and query string, e.g. "/api/emails?x=1". */
  url: string;
  headers: { get(name: string): string | null };
  /** The body's bytes, at most `limitBytes`: BodyTooLargeError as soon as it is over (the rest is never read). */
  readBody(limitBytes: number): Promise<Uint8Array>;
};

/** A JSON answer: the body already serialized. */
export type EdgeAnswer = { status: number; headers: Record<string, string>; body: string };

/**
 * A JSON answer. Next's built-in compression gzips every answer whose length it does not know, and it drops the
 * Content-Length of route handlers' answers: so every small API answer and webhook acknowledgement went through
 * gzip (7-11 % of the server's CPU under load) to save nothing on a few hundred bytes. Bodies under 1 KB (the
 * compression threshold) say `no-transform`, which it honours; larger ones are still compressed.
 */
const COMPRESSION_THRESHOLD_BYTES = 1024;

export function jsonAnswer(
  body: unknown,
  init: { status?: number; headers?: Record<string, string> } = {},
): EdgeAnswer {
  const text = JSON.stringify(body);
  const small = text.length < COMPRESSION_THRESHOLD_BYTES && Buffer.byteLength(text) < COMPRESSION_THRESHOLD_BYTES;
  return {
    status: init.status ?? 200,
    headers: {
      ...(small ? { "cache-control": "no-store, no-transform" } : {}),
      ...init.headers,
      "content-type": "application/json",
    },
    body: text,
  };
}

export function toWebResponse(answer: EdgeAnswer): Response {
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}

/** A route handler's web Request, read as an EdgeRequest. */
export function fromWebRequest(request: Request): EdgeRequest {
  const url = new URL(request.url);
  return {
    method: request.method,
    url: url.pathname + url.search,
    headers: request.headers,
    readBody: (limitBytes) => readBodyBytes(request, { limitBytes }),
  };
}

/**
 * Node's request as an EdgeRequest. The socket's address replaces any value a client sent under MailKit's own
 * header (lib/http/client-address.ts). A body over the limit is dropped unread and the connection closes after the
 * answer: the sender still gets its 413, which destroying the request would lose with the socket.
 */
export function fromNodeRequest(incoming: http.IncomingMessage, outgoing: http.ServerResponse): EdgeRequest {
  const socketAddress = incoming.socket?.remoteAddress ?? "unknown";
  return {
    method: incoming.method ?? "GET",
    url: incoming.url ?? "/",
    headers: {
      get(name) {
        const key = name.toLowerCase();
        if (key === SOCKET_ADDRESS_HEADER) return socketAddress;
        const value = incoming.headers[key];
        return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
      },
    },
    readBody: (limitBytes) => readNodeBody(incoming, outgoing, limitBytes),
  };
}

function readNodeBody(
  incoming: http.IncomingMessage,
  outgoing: http.ServerResponse,
  limitBytes: number,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      incoming.removeAllListeners("data");
      if (!outgoing.headersSent) outgoing.setHeader("connection", "close");
      incoming.resume(); // whatever else arrives is dropped, not queued
      reject(new BodyTooLargeError(limitBytes));
    };
    const declared = Number(incoming.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limitBytes) return tooLarge();
    const chunks: Buffer[] = [];
    let total = 0;
    incoming.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > limitBytes) return tooLarge();
      chunks.push(chunk);
    });
    incoming.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    incoming.once("error", reject);
  });
}
