// GET /api/emails/{id} – one sent email with its status and credits (Resend-compatible, full-access key)
import { handleGetEmail } from "@/lib/api/emails";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  return handleGetEmail(request, id);
}
