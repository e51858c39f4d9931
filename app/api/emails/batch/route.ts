// POST /api/emails/batch – send up to 100 emails, credits held all-or-nothing (Resend-compatible)
import { sendBatchRoute } from "@/lib/api/send-routes";

export const dynamic = "force-dynamic";

// Also answered ahead of Next.js by each web process (lib/server-start.ts), with this very handler.
export const POST = sendBatchRoute;
