// POST /api/webhooks/{id}/signing-secret/rotate – a new signing secret (Resend-compatible, full-access key)
import { handleRotateWebhookSecret } from "@/lib/api/webhooks";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleRotateWebhookSecret(request, (await context.params).id);
}
