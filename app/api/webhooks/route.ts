// POST /api/webhooks – register a webhook endpoint; GET /api/webhooks – list them (Resend-compatible, full-access key).
// MailKit's own incoming provider webhooks live beside it at /api/webhooks/dodo and /api/webhooks/resend.
import { handleCreateWebhook, handleListWebhooks } from "@/lib/api/webhooks";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleCreateWebhook(request);
}

export function GET(request: Request): Promise<Response> {
  return handleListWebhooks(request);
}
