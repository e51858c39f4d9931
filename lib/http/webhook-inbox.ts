import { WebhookSignatureError } from "@/lib/errors/webhooks";
import { receiveWebhook, type WebhookSource } from "@/lib/inbound/inbox";
import { logger } from "@/lib/runtime/log";
import { metrics } from "@/lib/metrics";

import { HttpError } from "@/lib/errors";

import { fromWebRequest, jsonAnswer, toWebResponse, type EdgeAnswer, type EdgeRequest } from "./edge";
import { errorAnswer } from "./errors";
import { readWebhookBody } from "./webhook-body";

/**
 * The HTTP side of a webhook inbox (lib/inbound/inbox.ts): bounded raw body → signature verified over those exact
 * bytes → the event's envelope checked → the event received, each failure answered with its status.
 */

/**
 * The route handler for one source: `export const POST = webhookInbox(source)`. Its `answer` is the same inbox
 * over an EdgeRequest, which lib/http/direct-route.ts serves straight from Node's server.
 */
export function webhookInbox<E extends { type: string }>(source: WebhookSource<E>) {
  async function POST(request: Request): Promise<Response> {
    return toWebResponse(await answer(fromWebRequest(request)));
  }
  async function answer(request: EdgeRequest): Promise<EdgeAnswer> {
    const body = await readWebhookBody(request);
    if (!body.ok) {
      const code = body.status === 413 ? "payload_too_large" : "invalid_payload";
      return errorAnswer(new HttpError(code, body.message), "plain");
    }
    let verified: { id: string; event: E };
    try {
      verified = source.verify(body.rawBody, request.headers);
    } catch (error) {
      metrics.webhooks.inc({ source: source.name, outcome: "rejected" });
      if (error instanceof WebhookSignatureError)
        return errorAnswer(new HttpError("invalid_signature", `Invalid webhook signature: ${error.message}`), "plain");
      // Verification runs first: a SyntaxError means a correctly signed body that is not JSON.
      if (error instanceof SyntaxError)
        return errorAnswer(new HttpError("invalid_payload", "Webhook body is not valid JSON"), "plain");
      throw error;
    }
    const envelope = source.envelope.safeParse(verified.event);
    if (!envelope.success) {
      metrics.webhooks.inc({ source: source.name, outcome: "rejected" });
      const problem = envelope.error.issues[0]!;
      const message = `Malformed event: ${problem.path.join(".") || "payload"}: ${problem.message}`;
      return errorAnswer(new HttpError("invalid_payload", message), "plain");
    }
    try {
      const answer = await receiveWebhook(source, verified.id, verified.event);
      metrics.webhooks.inc({ source: source.name, outcome: answer.outcome });
      return jsonAnswer(answer);
    } catch (error) {
      metrics.webhooks.inc({ source: source.name, outcome: "error" });
      // No receipt was committed, so the provider's retry applies the event.
      logger(`webhooks/${source.name}`).error(
        { type: verified.event.type, id: verified.id, err: error },
        "handling a webhook failed",
      );
      return errorAnswer(new HttpError("unavailable", "Processing failed; retry later"), "plain");
    }
  }
  return Object.assign(POST, { answer });
}
