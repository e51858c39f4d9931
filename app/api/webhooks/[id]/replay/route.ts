// POST /api/webhooks/{id}/replay – deliver again every finished event since a moment (full-access key)
import { replayWebhookEventsSince } from "@/lib/api/webhooks";
import { webhookOperations } from "@/lib/api/webhooks-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(webhookOperations.replaySince, (req) =>
  replayWebhookEventsSince(req.caller, req.params.id, req.body),
);
