// POST /api/domains/{id}/verify – ask Resend to check the domain's DNS records (Resend-compatible)
import { handleVerifyDomain } from "@/lib/domains/api";

export const dynamic = "force-dynamic";

export async function POST(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  return handleVerifyDomain(request, (await context.params).id);
}
