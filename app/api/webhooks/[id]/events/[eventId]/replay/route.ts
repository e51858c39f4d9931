// POST /api/webhooks/{id}/events/{eventId}/replay – deliver an event again (Resend-compatible, full-access key)
import { z } from "zod";

import { replayWebhookEvent } from "@/lib/api/webhooks";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi({ access: "full", params: z.object({ id: z.string(), eventId: z.string() }) }, (req) =>
  replayWebhookEvent(req.caller, req.params.id, req.params.eventId),
);
