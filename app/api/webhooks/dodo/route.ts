import { processDodoWebhook } from "@/lib/dodo/webhooks";
import { BODY_LIMITS, BodyTooLargeError, readBodyText } from "@/lib/http/body";

// POST /api/webhooks/dodo — Dodo Payments events, verified over the raw body (never parse before verifying).
export async function POST(request: Request) {
  let rawBody: string;
  try {
    rawBody = await readBodyText(request, { limitBytes: BODY_LIMITS.webhook });
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return Response.json({ received: false, error: error.message }, { status: 413 });
    throw error;
  }
  try {
    const outcome = await processDodoWebhook(rawBody, request.headers);
    return Response.json(outcome.body, { status: outcome.status });
  } catch (error) {
    // 5xx makes Dodo retry; the webhook-id was not recorded, so the retry applies the event.
    console.error("[webhooks/dodo] processing failed:", (error as Error).message);
    return Response.json({ received: false, error: "Processing failed; retry later" }, { status: 500 });
  }
}
