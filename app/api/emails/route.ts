// POST /api/emails – send one email; GET /api/emails – list sent emails (Resend-compatible, Bearer API key)
import { handleListEmails, handleSendEmail } from "@/lib/api/emails";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return handleSendEmail(request);
}

export function GET(request: Request): Promise<Response> {
  return handleListEmails(request);
}
