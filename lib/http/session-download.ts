import { getSessionUser, type SessionUser } from "@/lib/auth/session";

import { errorResponse } from "./errors";
import { HttpError } from "@/lib/errors";

/**
 * A signed-in download streamed as it is produced (e.g. the message log as CSV): the customer comes from the
 * session only, the query string is handed to the handler as plain values, and the body is pulled chunk by chunk,
 * so a large export never sits in memory. A client that goes away stops the producer.
 */

export type Download = {
  filename: string;
  contentType: string;
  headers?: Record<string, string>;
  chunks: AsyncIterable<string>;
};

export function sessionDownload(handler: (user: SessionUser, query: Record<string, string>) => Promise<Download>) {
  return async function GET(request: Request): Promise<Response> {
    const label = new URL(request.url).pathname;
    try {
      const user = await getSessionUser();
      if (!user) return errorResponse(new HttpError("unauthorized", "Sign in first."), "plain");
      const query = Object.fromEntries(new URL(request.url).searchParams);
      const download = await handler(user, query);
      const iterator = download.chunks[Symbol.asyncIterator]();
      const encoder = new TextEncoder();
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { value, done } = await iterator.next();
            if (done) controller.close();
            else controller.enqueue(encoder.encode(value));
          } catch (error) {
            controller.error(error);
          }
        },
        async cancel() {
          await iterator.return?.();
        },
      });
      return new Response(body, {
        headers: {
          ...download.headers,
          "content-type": download.contentType,
          "content-disposition": `attachment; filename="${download.filename}"`,
          "cache-control": "no-store",
        },
      });
    } catch (error) {
      return errorResponse(error, "plain", { headers: { "cache-control": "no-store" }, label });
    }
  };
}
