// GET /api/webhooks/{id}/events – an endpoint's delivery log, newest first (Resend-compatible, full-access key)
import { z } from "zod";

import { listWebhookEvents } from "@/lib/api/webhooks";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const GET = publicApi({ access: "full", params: z.object({ id: z.string() }) }, (req) =>
  listWebhookEvents(req.caller, req.params.id, req.query),
);
