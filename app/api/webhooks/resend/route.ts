// POST /api/webhooks/resend – Resend delivery events (Svix-signed): verify, dedupe on svix-id, record
import { handleResendEvent, verifyResendWebhook, WebhookSignatureError } from "@/lib/resend/events";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  const rawBody = await request.text();
  let verified: ReturnType<typeof verifyResendWebhook>;
  try {
    verified = verifyResendWebhook(rawBody, request.headers);
  } catch (error) {
    if (error instanceof WebhookSignatureError)
      return Response.json({ error: "invalid_signature", message: error.message }, { status: 401 });
    throw error;
  }
  try {
    const outcome = await handleResendEvent(verified.webhookId, verified.event);
    return Response.json({ received: true, outcome });
  } catch (error) {
    // A 5xx makes Resend retry later; the receipt was rolled back with the effect, so the retry applies it.
    console.error(`[webhooks/resend] ${verified.event.type} ${verified.webhookId}:`, error);
    return Response.json({ error: "processing_failed" }, { status: 500 });
  }
}
