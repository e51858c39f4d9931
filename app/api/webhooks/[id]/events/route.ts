// GET /api/webhooks/{id}/events – an endpoint's delivery log, newest first (Resend-compatible, full-access key)
import { listWebhookEvents } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(webhookOperations.listEvents, (req) =>
  listWebhookEvents(req.caller, req.params.id, req.query),
);
