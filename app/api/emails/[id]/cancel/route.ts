// POST /api/emails/{id}/cancel – cancel a scheduled email and return its credits (Resend's emails.cancel)
import { emailOperations } from "@/lib/api/emails-operations";
import { publicApi } from "@/lib/http/public-api";
import { cancelScheduledEmail } from "@/lib/sending/cancel";

export const dynamic = "force-dynamic";

export const POST = publicApi(emailOperations.cancel, async (req) => {
  const canceled = await cancelScheduledEmail(req.caller.userId, req.params.id);
  return { body: { object: "email", id: canceled.id } };
});
