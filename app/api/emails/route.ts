// POST /api/emails – send one email; GET /api/emails – list sent emails (Resend-compatible, Bearer API key)
import { handleListEmails, handleSendEmail } from "@/lib/api/emails";

import { withCheckedJsonBody } from "./checked-body";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return withCheckedJsonBody(request, handleSendEmail);
}

export function GET(request: Request): Promise<Response> {
  return handleListEmails(request);
}
