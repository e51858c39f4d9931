// GET /api/suppressions – the suppression list; POST /api/suppressions – add an address (Resend-compatible, full-access key)
import { handleAddSuppression, handleListSuppressions } from "@/lib/api/suppressions";

export const dynamic = "force-dynamic";

export function GET(request: Request): Promise<Response> {
  return handleListSuppressions(request);
}

export function POST(request: Request): Promise<Response> {
  return handleAddSuppression(request);
}
