import { processDodoWebhook } from "@/lib/dodo/webhooks";
import { readWebhookBody } from "@/lib/http/webhook-body";

// POST /api/webhooks/dodo — Dodo Payments events, verified over the raw body (never parse before verifying).
export async function POST(request: Request) {
  const body = await readWebhookBody(request);
  if (!body.ok) return Response.json({ received: false, error: body.message }, { status: body.status });
  try {
    const outcome = await processDodoWebhook(body.rawBody, request.headers);
    return Response.json(outcome.body, { status: outcome.status });
  } catch (error) {
    // 5xx makes Dodo retry; the webhook-id was not recorded, so the retry applies the event.
    console.error("[webhooks/dodo] processing failed:", (error as Error).message);
    return Response.json({ received: false, error: "Processing failed; retry later" }, { status: 500 });
  }
}
