// GET / DELETE /api/suppressions/{id or address} – one entry of the suppression list (Resend-compatible, full-access key)
import { handleGetSuppression, handleRemoveSuppression } from "@/lib/api/suppressions";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ address: string }> };

export async function GET(request: Request, context: Context): Promise<Response> {
  return handleGetSuppression(request, (await context.params).address);
}

export async function DELETE(request: Request, context: Context): Promise<Response> {
  return handleRemoveSuppression(request, (await context.params).address);
}
