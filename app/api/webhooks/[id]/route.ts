// GET / PATCH / DELETE /api/webhooks/{id} – one webhook endpoint (Resend-compatible, full-access key)
import { z } from "zod";

import { deleteWebhook, getWebhook, updateWebhook } from "@/lib/api/webhooks";
import { BODY_LIMITS } from "@/lib/http/body";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

const endpoint = { access: "full", params: z.object({ id: z.string() }) } as const;

export const GET = publicApi(endpoint, (req) => getWebhook(req.caller, req.params.id));

export const PATCH = publicApi({ ...endpoint, body: "json", maxBodyBytes: BODY_LIMITS.form }, (req) =>
  updateWebhook(req.caller, req.params.id, req.body),
);

export const DELETE = publicApi(endpoint, (req) => deleteWebhook(req.caller, req.params.id));
