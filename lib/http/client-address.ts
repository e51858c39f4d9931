import http from "node:http";

import { getEnv } from "@/lib/env";

import { hstsHeader } from "./security-headers";

/** Set from the TCP socket on every request (below), overwriting any value a client sent. */
export const SOCKET_ADDRESS_HEADER = "x-mailkit-socket-address";

/**
 * Next.js does not give route handlers or server actions the TCP peer address, and it keeps a client's own
 * X-Forwarded-For. So, once per server process, every incoming request gets the socket's address in a header of
 * MailKit's own, replacing whatever a client sent under that name (read by clientAddress below).
 * The same hook gives every response HSTS when the running server's APP_URL is https: next.config.ts headers are
 * fixed at build time, and routes outside proxy.ts (the public API, webhooks) would otherwise depend on the build.
 */
export function recordSocketAddresses(): void {
  const proto = http.Server.prototype as http.Server & { __mailkitSocketAddress?: true };
  if (proto.__mailkitSocketAddress) return;
  proto.__mailkitSocketAddress = true;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === "request") {
      const request = args[0] as http.IncomingMessage;
      request.headers[SOCKET_ADDRESS_HEADER] = request.socket?.remoteAddress ?? "unknown";
      const hsts = hstsHeader(getEnv().APP_URL);
      if (hsts) (args[1] as http.ServerResponse).setHeader("strict-transport-security", hsts);
    }
    return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
  } as typeof proto.emit;
}

/**
 * The client's address: with TRUST_PROXY=N, the address the outermost of MailKit's N proxies saw (the N-th
 * X-Forwarded-For entry from the right — entries further left are the client's own claims); otherwise the socket's.
 */
export function clientAddress(headers: Pick<Headers, "get">): string {
  const proxies = getEnv().TRUST_PROXY;
  if (proxies > 0) {
    const hops = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    return hops[Math.max(0, hops.length - proxies)] ?? "unknown";
  }
  return headers.get(SOCKET_ADDRESS_HEADER) ?? "unknown";
}
