// POST /api/webhooks – register a webhook endpoint; GET /api/webhooks – list them (Resend-compatible, full-access key).
// MailKit's own incoming provider webhooks live beside it at /api/webhooks/dodo and /api/webhooks/resend.
import { createWebhook, listWebhooks } from "@/lib/api/webhooks";
import { BODY_LIMITS } from "@/lib/http/body";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi({ access: "full", body: "json", maxBodyBytes: BODY_LIMITS.form }, (req) =>
  createWebhook(req.caller, req.body),
);

export const GET = publicApi({ access: "full" }, (req) => listWebhooks(req.caller));
