// POST /api/emails/batch – send up to 100 emails, credits held all-or-nothing (Resend-compatible)
import { sendFromApi } from "@/lib/api/emails";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi({ access: "sending", body: "json", idempotent: "POST /emails/batch" }, (req) =>
  sendFromApi(req.caller, {
    body: req.body,
    batch: true,
    idempotency: req.idempotency,
    batchValidation: req.header("x-batch-validation"),
  }),
);
