// GET /api/domains/{id} – one sender domain with its DNS records; DELETE – remove it (Resend-compatible)
import { handleGetDomain, handleRemoveDomain } from "@/lib/domains/api";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

export async function GET(request: Request, context: Context): Promise<Response> {
  return handleGetDomain(request, (await context.params).id);
}

export async function DELETE(request: Request, context: Context): Promise<Response> {
  return handleRemoveDomain(request, (await context.params).id);
}
