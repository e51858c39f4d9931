// GET / PATCH / DELETE /api/webhooks/{id} – one webhook endpoint (Resend-compatible, full-access key)
import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(webhookOperations.get, (req) => getWebhook(req.caller, req.params.id));

export const PATCH = publicApi(webhookOperations.update, (req) => updateWebhook(req.caller, req.params.id, req.body));

export const DELETE = publicApi(webhookOperations.remove, (req) => deleteWebhook(req.caller, req.params.id));
