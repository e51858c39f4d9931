import { publicApi } from "@/lib/http/public-api";

import { sendFromApi } from "./emails";
import { emailOperations } from "./emails-operations";

/**
 * The handlers of `POST /api/emails` and `POST /api/emails/batch`. Their route files export them, and each web
 * process also answers them ahead of Next.js (lib/server-start.ts): every email is one of these requests.
 */
export const sendEmailRoute = publicApi(emailOperations.send, (req) =>
  sendFromApi(req.caller, { body: req.body, batch: false, idempotency: req.idempotency }),
);

export const sendBatchRoute = publicApi(emailOperations.sendBatch, (req) =>
  sendFromApi(req.caller, {
    body: req.body,
    batch: true,
    idempotency: req.idempotency,
    batchValidation: req.header("x-batch-validation"),
  }),
);
