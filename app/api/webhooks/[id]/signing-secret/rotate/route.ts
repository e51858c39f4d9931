// POST /api/webhooks/{id}/signing-secret/rotate – a new signing secret (Resend-compatible, full-access key)
import { z } from "zod";

import { rotateWebhookSecret } from "@/lib/api/webhooks";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi({ access: "full", params: z.object({ id: z.string() }) }, (req) =>
  rotateWebhookSecret(req.caller, req.params.id),
);
