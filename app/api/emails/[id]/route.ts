// GET /api/emails/{id} – one sent email with its status and credits (Resend-compatible, full-access key)
import { handleGetEmail } from "@/lib/api/emails";
import { apiErrors } from "@/lib/api/errors";
import { errorResponse } from "@/lib/api/respond";
import { emailId } from "@/lib/validations/email";

export const dynamic = "force-dynamic";

export async function GET(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  // Not an id (NUL, percent signs, huge strings…): no such email, answered before any lookup.
  if (!emailId.safeParse(id).success) return errorResponse(apiErrors.notFound());
  return handleGetEmail(request, id);
}
