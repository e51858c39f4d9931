// POST /api/webhooks/{id}/events/{eventId}/replay – deliver an event again (Resend-compatible, full-access key)
import { replayWebhookEvent } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(webhookOperations.replayEvent, (req) =>
  replayWebhookEvent(req.caller, req.params.id, req.params.eventId),
);
