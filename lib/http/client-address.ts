import http from "node:http";

import { SOCKET_ADDRESS_HEADER } from "@/lib/auth/throttle";

/**
 * Next.js does not give route handlers or server actions the TCP peer address, and it keeps a client's own
 * X-Forwarded-For. So, once per server process, every incoming request gets the socket's address in a header of
 * MailKit's own, replacing whatever a client sent under that name (see clientAddress in lib/auth/throttle.ts).
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
    }
    return (emit as (...all: unknown[]) => boolean).call(this, event, ...args);
  } as typeof proto.emit;
}
