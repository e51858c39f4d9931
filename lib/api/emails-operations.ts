import { z } from "zod";

import { SenderNotAllowedError } from "@/lib/domains/errors";
import { apiErrors } from "@/lib/errors";
import { BODY_LIMITS } from "@/lib/http/body";
import { cancelErrors } from "@/lib/sending/cancel";
import { emailId, listEmailsQuery } from "@/lib/sending/list-schema";
import { MAX_BATCH_SIZE } from "@/lib/sending/wire-schema";

import { apiEmailSchema, batchAnswerSchema, emailListSchema, sendAnswerSchema } from "./emails";
import { operation } from "./operation";

/** The OpenAPI component every send body refers to (lib/api/openapi.ts builds it from the wire schema). */
const SEND_EMAIL = { $ref: "#/components/schemas/SendEmail" };

/** What POST /emails and POST /emails/batch can answer beyond the key checks. */
function sendErrors() {
  return [
    apiErrors.invalidJson(),
    apiErrors.invalidIdempotencyKey(),
    apiErrors.insufficientCredits(3, 1),
    apiErrors.idempotencyMismatch(),
    apiErrors.idempotencyInFlight(),
    apiErrors.payloadTooLarge(BODY_LIMITS.publicApi),
    apiErrors.validation({ name: "missing_required_field", message: "Missing `to` field." }),
    new SenderNotAllowedError(
      "example.com",
      "The example.com domain is not verified. Please, add and verify your domain under Domains in the MailKit dashboard.",
    ),
    apiErrors.recipientsSuppressed(
      "Every `to` recipient is on your suppression list: a@example.com. Nothing was sent or charged.",
      ["a@example.com"],
      null,
    ),
    apiErrors.validation({
      name: "validation_error",
      message: "Invalid `to` field: use `email@example.com` or `Name <email@example.com>` (one address per entry)",
    }),
  ];
}

const oneEmail = { params: z.object({ id: emailId }), notFound: "Email not found" };

/** POST /emails/{id}/cancel's answer: Resend's CancelEmailResponseSuccess. */
const cancelAnswerSchema = z.object({ object: z.literal("email"), id: z.string() });

/** The email endpoints (handlers in ./emails.ts and lib/sending/cancel.ts). */
export const emailOperations = {
  send: operation({
    id: "sendEmail",
    method: "POST",
    path: "/emails",
    access: "sending",
    tag: "Emails",
    body: "json",
    idempotent: true,
    summary: "Send an email",
    requestBody: SEND_EMAIL,
    response: {
      description:
        "Accepted for delivery: the credits are held and the email is `queued`; it is handed to the provider moments later (GET it to follow its status). Credits are released if the provider refuses it.",
      schema: sendAnswerSchema,
      creditHeaders: true,
    },
    errors: sendErrors,
  }),
  list: operation({
    id: "listEmails",
    method: "GET",
    path: "/emails",
    access: "full",
    tag: "Emails",
    summary: "List sent emails (newest first)",
    description: "Needs a full-access key.",
    query: listEmailsQuery,
    response: { description: "A page of emails", schema: emailListSchema },
    errors: () => [apiErrors.validation({ name: "validation_error", message: "…" })],
  }),
  sendBatch: operation({
    id: "sendBatch",
    method: "POST",
    path: "/emails/batch",
    access: "sending",
    tag: "Emails",
    body: "json",
    idempotent: true,
    summary: `Send up to ${MAX_BATCH_SIZE} emails`,
    description:
      "All-or-nothing: the whole cost is held at once, and every email is valid or none is sent. Attachments are not supported here.",
    requestBody: { type: "array", minItems: 1, maxItems: MAX_BATCH_SIZE, items: SEND_EMAIL },
    response: {
      description: "Every email accepted for delivery (queued), all credits held",
      schema: batchAnswerSchema,
      creditHeaders: true,
    },
    errors: sendErrors,
  }),
  get: operation({
    id: "getEmail",
    method: "GET",
    path: "/emails/{id}",
    access: "full",
    tag: "Emails",
    ...oneEmail,
    summary: "Retrieve an email",
    description: "Needs a full-access key.",
    response: { description: "The email", schema: apiEmailSchema },
    errors: () => [apiErrors.notFound()],
  }),
  cancel: operation({
    id: "cancelEmail",
    method: "POST",
    path: "/emails/{id}/cancel",
    access: "full",
    tag: "Emails",
    ...oneEmail,
    summary: "Cancel a scheduled email",
    description:
      "Cancels an email sent with `scheduled_at` before its time, as Resend's `emails.cancel`, and returns its credits (the hold is released, or the captured credits are given back). Cancelling a cancelled email answers the same again. Needs a full-access key.",
    response: { description: "Cancelled", schema: cancelAnswerSchema },
    errors: () => [
      apiErrors.notFound(),
      cancelErrors.busy(),
      cancelErrors.notScheduled(),
      cancelErrors.providerUnavailable(),
    ],
  }),
};
