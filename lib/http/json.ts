import { jsonAnswer, toWebResponse } from "./edge";

/** A JSON answer as a web Response (see jsonAnswer for its headers). */
export function json(body: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  return toWebResponse(jsonAnswer(body, init));
}
