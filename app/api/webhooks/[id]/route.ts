// GET / PATCH / DELETE /api/webhooks/{id} – one webhook endpoint (Resend-compatible, full-access key)
import { handleDeleteWebhook, handleGetWebhook, handleUpdateWebhook } from "@/lib/api/webhooks";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export async function GET(request: Request, context: Context): Promise<Response> {
  return handleGetWebhook(request, (await context.params).id);
}

export async function PATCH(request: Request, context: Context): Promise<Response> {
  return handleUpdateWebhook(request, (await context.params).id);
}

export async function DELETE(request: Request, context: Context): Promise<Response> {
  return handleDeleteWebhook(request, (await context.params).id);
}
