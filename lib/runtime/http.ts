import { randomUUID } from "node:crypto";
import http from "node:http";

import { logger, requestContext } from "@/lib/runtime/log";

import { processSingleton } from "./singleton";

/**
 * Once per server process (instrumentation.ts), every incoming HTTP request gets a request id — the caller's
 * `x-request-id` when it is a plausible id, a new UUID otherwise — echoed on the response and attached to every
 * log line written while it is handled, and one access line when it ends. The servers seen are kept so that
 * shutdown can stop accepting connections and wait for the requests in progress.
 */

export const REQUEST_ID_HEADER = "x-request-id";
const PLAUSIBLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** A request this process answers itself, ahead of Next.js's router (registered with `serveAheadOfNext`). */
export type DirectHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const state = processSingleton("http-servers", () => ({
  servers: new Set<http.Server>(),
  inFlight: 0,
  closing: false,
  idle: [] as Array<() => void>,
  direct: new Map<string, DirectHandler>(),
}));

/**
 * Answers `method path` (exact path, any query string) with `handler` instead of Next.js, on every server this
 * process instruments. Request ids, the access line and graceful shutdown apply as to any request. Returns a
 * function that hands the path back to Next.js.
 */
export function serveAheadOfNext(method: string, path: string, handler: DirectHandler): () => void {
  const key = `${method} ${path}`;
  state.direct.set(key, handler);
  return () => {
    if (state.direct.get(key) === handler) state.direct.delete(key);
  };
}

export function acceptRequestId(given: string | string[] | undefined): string {
  const value = Array.isArray(given) ? given[0] : given;
  return value && PLAUSIBLE_ID.test(value) ? value : randomUUID();
}

export function instrumentHttpServers(): void {
  const proto = http.Server.prototype as http.Server & { __mailkitRequestIds?: true };
  if (proto.__mailkitRequestIds) return;
  proto.__mailkitRequestIds = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event !== "request") return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
    const request = args[0] as http.IncomingMessage;
    const response = args[1] as http.ServerResponse;
    state.servers.add(this);
    const requestId = acceptRequestId(request.headers[REQUEST_ID_HEADER]);
    request.headers[REQUEST_ID_HEADER] = requestId;
    response.setHeader(REQUEST_ID_HEADER, requestId);
    // While shutting down, keep-alive connections are closed after their current response.
    if (state.closing) response.setHeader("connection", "close");
    track(request, response, requestId);
    const direct = state.direct.size ? state.direct.get(`${request.method} ${pathOf(request.url)}`) : undefined;
    return requestContext.run({ requestId }, () => {
      if (!direct) return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
      direct(request, response);
      return true;
    });
  } as typeof proto.emit;
}

function track(request: http.IncomingMessage, response: http.ServerResponse, requestId: string): void {
  const started = performance.now();
  state.inFlight++;
  response.once("close", () => {
    state.inFlight--;
    if (state.inFlight === 0) for (const resolve of state.idle.splice(0)) resolve();
    const path = pathOf(request.url);
    const line = {
      requestId,
      method: request.method,
      path,
      status: response.statusCode,
      ms: Math.round(performance.now() - started),
      ...(response.writableFinished ? {} : { aborted: true }),
    };
    // Probes would drown everything else at info.
    if (path === "/api/health" || path === "/api/ready") logger("http").debug(line, "request");
    else logger("http").info(line, "request");
  });
}

function pathOf(url: string | undefined): string {
  return (url ?? "/").split("?")[0]!;
}

/**
 * Stops accepting connections on every server this process has served from, closes idle keep-alive connections
 * and waits (at most `timeoutMs`) for the requests in progress; then closes whatever is left.
 */
export async function closeHttpServers(timeoutMs: number): Promise<{ unfinished: number }> {
  state.closing = true;
  for (const server of state.servers) {
    server.close();
    server.closeIdleConnections();
  }
  if (state.inFlight > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => state.idle.push(resolve)),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }
  const unfinished = state.inFlight;
  for (const server of state.servers) server.closeAllConnections();
  return { unfinished };
}
