// GET /api/webhooks/{id}/events – an endpoint's delivery log, newest first (Resend-compatible, full-access key)
import { handleListWebhookEvents } from "@/lib/api/webhooks";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleListWebhookEvents(request, (await context.params).id);
}
