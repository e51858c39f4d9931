import { errorResponse } from "./errors";
import { json } from "./json";

/**
 * Routes for operators and tools (health, metrics, the OpenAPI document): no session, no API key. The handler
 * reads what it needs through `header()` and returns JSON or text; errors are `{ error, message }`.
 */

export type PlainRequest = { header: (name: string) => string | null };

export type PlainAnswer = {
  status?: number;
  headers?: Record<string, string>;
} & ({ json: unknown } | { text: string; contentType: string });

export function plainRoute(handler: (request: PlainRequest) => Promise<PlainAnswer> | PlainAnswer) {
  return async function route(request: Request): Promise<Response> {
    try {
      return renderAnswer(await handler({ header: (name) => request.headers.get(name) }));
    } catch (error) {
      return errorResponse(error, "plain", { label: new URL(request.url).pathname });
    }
  };
}

export function renderAnswer(answer: PlainAnswer): Response {
  const init = { status: answer.status ?? 200, headers: answer.headers ?? {} };
  if ("json" in answer) return json(answer.json, init);
  return new Response(answer.text, { ...init, headers: { ...init.headers, "content-type": answer.contentType } });
}
