import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A customer's webhook endpoint for tests: records every request (headers and raw body) and answers with the
 * status `respond` chooses (200 by default), e.g. 500 for the first attempts; 0 never answers (a hung endpoint);
 * 3xx redirects to `/redirected`.
 */
export type ReceivedWebhook = { path: string; headers: IncomingHttpHeaders; body: string };

export type WebhookReceiver = {
  url: string;
  received: ReceivedWebhook[];
  respond: (request: ReceivedWebhook, index: number) => number;
  /** The answer's body (default: "ok", or "failing with <status>"). */
  answerBody?: (request: ReceivedWebhook, status: number) => string;
  close(): Promise<void>;
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const receiver: WebhookReceiver = {
    url: "",
    received: [],
    respond: () => 200,
    close: async () => {},
  };
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        path: request.url ?? "/",
        headers: request.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      receiver.received.push(entry);
      const status = receiver.respond(entry, receiver.received.length - 1);
      if (status === 0) return; // hang
      const headers: Record<string, string> = { "content-type": "text/plain" };
      if (status >= 300 && status < 400) headers.location = "/redirected";
      response
        .writeHead(status, headers)
        .end(receiver.answerBody?.(entry, status) ?? (status < 300 ? "ok" : `failing with ${status}`));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
