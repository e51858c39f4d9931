// GET /api/webhooks/{id}/events/{eventId} – one delivered event with its payload (Resend-compatible, full-access key)
import { z } from "zod";

import { getWebhookEvent } from "@/lib/api/webhooks";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi({ access: "full", params: z.object({ id: z.string(), eventId: z.string() }) }, (req) =>
  getWebhookEvent(req.caller, req.params.id, req.params.eventId),
);
