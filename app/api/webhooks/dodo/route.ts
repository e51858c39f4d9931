import { processDodoWebhook } from "@/lib/dodo/webhooks";

// POST /api/webhooks/dodo — Dodo Payments events, verified over the raw body (never parse before verifying).
export async function POST(request: Request) {
  const rawBody = await request.text();
  try {
    const outcome = await processDodoWebhook(rawBody, request.headers);
    return Response.json(outcome.body, { status: outcome.status });
  } catch (error) {
    // 5xx makes Dodo retry; the webhook-id was not recorded, so the retry applies the event.
    console.error("[webhooks/dodo] processing failed:", (error as Error).message);
    return Response.json({ received: false, error: "Processing failed; retry later" }, { status: 500 });
  }
}
