// POST /api/emails – send one email; GET /api/emails – list sent emails (Resend-compatible, Bearer API key)
import { listEmails } from "@/lib/api/emails";
import { emailOperations } from "@/lib/api/emails-operations";
import { sendEmailRoute } from "@/lib/api/send-routes";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

// Also answered ahead of Next.js by each web process (lib/server-start.ts), with this very handler.
export const POST = sendEmailRoute;

export const GET = publicApi(emailOperations.list, (req) => listEmails(req.caller, req.query));
