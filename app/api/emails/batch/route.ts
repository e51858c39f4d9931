// POST /api/emails/batch – send up to 100 emails, credits held all-or-nothing (Resend-compatible)
import { handleSendBatch } from "@/lib/api/emails";

import { withCheckedJsonBody } from "../checked-body";

export const dynamic = "force-dynamic";

export function POST(request: Request): Promise<Response> {
  return withCheckedJsonBody(request, handleSendBatch);
}
