// POST /api/webhooks/{id}/events/{eventId}/replay – deliver an event again (Resend-compatible, full-access key)
import { handleReplayWebhookEvent } from "@/lib/api/webhooks";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string; eventId: string }> };

export async function POST(request: Request, context: Context): Promise<Response> {
  const { id, eventId } = await context.params;
  return handleReplayWebhookEvent(request, id, eventId);
}
