// POST /api/emails/batch – send up to 100 emails, credits held all-or-nothing (Resend-compatible)
import { sendFromApi } from "@/lib/api/emails";
import { emailOperations } from "@/lib/api/emails-operations";
import { publicApi } from "@/lib/http/public-api";

export const dynamic = "force-dynamic";

export const POST = publicApi(emailOperations.sendBatch, (req) =>
  sendFromApi(req.caller, {
    body: req.body,
    batch: true,
    idempotency: req.idempotency,
    batchValidation: req.header("x-batch-validation"),
  }),
);
