// POST /api/webhooks – register a webhook endpoint; GET /api/webhooks – list them (Resend-compatible, full-access key).
// MailKit's own incoming provider webhooks live beside it at /api/webhooks/dodo and /api/webhooks/resend.
import { createWebhook, listWebhooks } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(webhookOperations.create, (req) => createWebhook(req.caller, req.body));

export const GET = publicApi(webhookOperations.list, (req) => listWebhooks(req.caller));
