// GET /api/webhooks/{id}/events/{eventId} – one delivered event with its payload (Resend-compatible, full-access key)
import { handleGetWebhookEvent } from "@/lib/api/webhooks";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; eventId: string }> };

export async function GET(request: Request, context: Context): Promise<Response> {
  const { id, eventId } = await context.params;
  return handleGetWebhookEvent(request, id, eventId);
}
