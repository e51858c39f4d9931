// POST /api/webhooks/resend – Resend delivery events (Svix-signed): verify, dedupe on svix-id, record
import { readWebhookBody } from "@/lib/http/webhook-body";
import { handleResendEvent, verifyResendWebhook, WebhookSignatureError } from "@/lib/resend/events";
import { resendEventShape } from "@/lib/validations/webhooks";

export const dynamic = "force-dynamic";

const invalidPayload = (message: string) => Response.json({ error: "invalid_payload", message }, { status: 400 });

export async function POST(request: Request): Promise<Response> {
  const body = await readWebhookBody(request);
  if (!body.ok) {
    const error = body.status === 413 ? "payload_too_large" : "invalid_payload";
    return Response.json({ error, message: body.message }, { status: body.status });
  }
  let verified: ReturnType<typeof verifyResendWebhook>;
  try {
    verified = verifyResendWebhook(body.rawBody, request.headers);
  } catch (error) {
    if (error instanceof WebhookSignatureError)
      return Response.json({ error: "invalid_signature", message: error.message }, { status: 401 });
    // The signature matched (verification runs first), but the signed body is not JSON.
    if (error instanceof SyntaxError) return invalidPayload("Webhook body is not valid JSON");
    throw error;
  }
  const shape = resendEventShape.safeParse(verified.event);
  if (!shape.success) return invalidPayload(`Malformed event: ${shape.error.issues[0]!.message}`);
  try {
    const outcome = await handleResendEvent(verified.webhookId, verified.event);
    return Response.json({ received: true, outcome });
  } catch (error) {
    // A 5xx makes Resend retry later; the receipt was rolled back with the effect, so the retry applies it.
    console.error(`[webhooks/resend] ${verified.event.type} ${verified.webhookId}:`, error);
    return Response.json({ error: "processing_failed" }, { status: 500 });
  }
}
