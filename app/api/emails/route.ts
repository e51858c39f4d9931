// POST /api/emails – send one email; GET /api/emails – list sent emails (Resend-compatible, Bearer API key)
import { listEmails, sendFromApi } from "@/lib/api/emails";
import { emailOperations } from "@/lib/api/emails-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(emailOperations.send, (req) =>
  sendFromApi(req.caller, { body: req.body, batch: false, idempotency: req.idempotency }),
);

export const GET = publicApi(emailOperations.list, (req) => listEmails(req.caller, req.query));
