// POST /api/webhooks/{id}/signing-secret/rotate – a new signing secret (Resend-compatible, full-access key)
import { rotateWebhookSecret } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(webhookOperations.rotateSecret, (req) => rotateWebhookSecret(req.caller, req.params.id));
