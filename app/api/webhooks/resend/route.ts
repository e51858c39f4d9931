// POST /api/webhooks/resend – Resend delivery events (Svix-signed): verify, dedupe on svix-id, record
import { BODY_LIMITS, BodyTooLargeError, readBodyText } from "@/lib/http/body";
import { handleResendEvent, verifyResendWebhook, WebhookSignatureError } from "@/lib/resend/events";

export const dynamic = "force-dynamic";

export async function POST(request: Request): Promise<Response> {
  let rawBody: string;
  try {
    rawBody = await readBodyText(request, { limitBytes: BODY_LIMITS.webhook });
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return Response.json({ error: "payload_too_large", message: error.message }, { status: 413 });
    throw error;
  }
  let verified: ReturnType<typeof verifyResendWebhook>;
  try {
    verified = verifyResendWebhook(rawBody, request.headers);
  } catch (error) {
    if (error instanceof WebhookSignatureError)
      return Response.json({ error: "invalid_signature", message: error.message }, { status: 401 });
    // The signature matched (verification runs first), but the signed body is not JSON.
    if (error instanceof SyntaxError)
      return Response.json({ error: "invalid_payload", message: "Webhook body is not valid JSON" }, { status: 400 });
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
