// GET /api/webhooks/{id}/events/{eventId} – one delivered event with its payload (Resend-compatible, full-access key)
import { getWebhookEvent } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi(webhookOperations.getEvent, (req) =>
  getWebhookEvent(req.caller, req.params.id, req.params.eventId),
);
