import { z } from "zod";

import { SEND_ID_TAG } from "@/lib/mail/send-tag";
import { sendEmails, type SendResult } from "@/lib/sending";
import { attachmentHostProblem } from "@/lib/sending/attachment-hosts";
import { listEmailsQuery } from "@/lib/sending/list-schema";
import { parseBatchBody, parseSendEmailBody } from "@/lib/sending/wire-schema";
import { IdempotencyConflictError } from "@/lib/sending/errors";
import { getSendRow, listSendsPage, type SendRow } from "@/lib/sending/queries";
import { lastEventOf, SEND_STATUSES } from "@/lib/mail/status";
import type { PublicAnswer } from "@/lib/http/public-api";

import { apiErrors } from "@/lib/errors";
import { parseInput } from "@/lib/validation/parse-input";
import { hashRequestBody, priorOutcome, readPrior, type Prior, type StoredResponse } from "@/lib/keys/idempotency";
import type { ApiCaller, IdempotencyRow } from "@/lib/keys/api-keys";

/**
 * The Resend-compatible email endpoints (declared in app/api/emails/**, over lib/http/public-api.ts):
 *   POST /api/emails        queue one email for delivery   (sending or full access)
 *   POST /api/emails/batch  queue up to 100, all-or-nothing
 *   GET  /api/emails/{id}   one email                 (full access)
 *   GET  /api/emails        list, newest first        (full access)
 * Each takes the caller and typed input and returns the answer's body, or throws an error of lib/errors.
 */

// ---- answers (their zod schemas are the OpenAPI document's, lib/api/openapi.ts) --------------------------------

const addressesOrNull = z.array(z.string()).nullable();

/** An email in Resend's GET /emails shape, plus MailKit's `status` and `credits_charged`. */
export const apiEmailSchema = z.object({
  object: z.literal("email"),
  id: z.string(),
  from: z.string(),
  to: z.array(z.string()),
  cc: addressesOrNull,
  bcc: addressesOrNull,
  reply_to: addressesOrNull,
  subject: z.string(),
  created_at: z.iso.datetime(),
  scheduled_at: z.iso.datetime().nullable().meta({ description: "When Resend sends it, for a scheduled email" }),
  last_event: z.string().meta({ description: "Resend's last event: `queued` until the provider has it" }),
  html: z.string().nullable().optional().meta({ description: "Only when retrieving one email" }),
  text: z.string().nullable().optional().meta({ description: "Only when retrieving one email" }),
  tags: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  status: z.enum(SEND_STATUSES),
  credits_charged: z.number().int().meta({ description: "0 once the provider refused the email (credits released)" }),
});
export type ApiEmail = z.infer<typeof apiEmailSchema>;

export const emailListSchema = z.object({
  object: z.literal("list"),
  has_more: z.boolean(),
  data: z.array(apiEmailSchema),
});

const credits = {
  credits_charged: z.number().int().meta({ description: "Credits this request took (one per distinct recipient)" }),
  credits_remaining: z.number().int().meta({ description: "Credits left to spend" }),
};
const suppressed = z
  .array(z.string())
  .optional()
  .meta({ description: "Only when some: recipients left out because they are on your suppression list (not charged)" });
export const sendAnswerSchema = z.object({ id: z.string(), ...credits, suppressed });
export const batchAnswerSchema = z.object({
  data: z.array(z.object({ id: z.string(), suppressed })),
  ...credits,
  suppressed,
});

export async function getEmail(caller: ApiCaller, id: string): Promise<PublicAnswer> {
  const row = await getSendRow(caller.userId, id);
  if (!row) throw apiErrors.notFound();
  return { body: toApiEmail(row, { full: true }) };
}

export async function listEmails(caller: ApiCaller, query: Record<string, string>): Promise<PublicAnswer> {
  const page = await listSendsPage(caller.userId, parseInput(listEmailsQuery, query));
  if (!page)
    throw apiErrors.validation({
      name: "validation_error",
      message: "The `after` or `before` cursor does not match any email.",
    });
  return {
    body: { object: "list", has_more: page.hasMore, data: page.items.map((row) => toApiEmail(row, { full: false })) },
  };
}

// ---- sending ----------------------------------------------------------------------------------------------

export type SendRequest = {
  body: unknown;
  batch: boolean;
  /** The request's Idempotency-Key, with the earlier request that used it (read by the API gate). */
  idempotency: { endpoint: string; key: string; prior: IdempotencyRow | null } | null;
  /** `x-batch-validation` of a batch request. */
  batchValidation?: string | null;
};

/**
 * Admits the email(s) and answers 200 `{ id }` (Resend's "accepted for delivery"): the status is `queued`
 * until the dispatcher hands it to Resend. With an Idempotency-Key, the key and this answer are recorded in
 * the statement that holds the credits; a repeat replays it, another body with the same key is a 409.
 */
export async function sendFromApi(caller: ApiCaller, request: SendRequest): Promise<PublicAnswer> {
  const { body, batch } = request;
  // MailKit holds a batch's credits all-or-nothing, so it cannot keep "the valid ones" of a permissive batch.
  if (batch && request.batchValidation === "permissive")
    throw apiErrors.invalidParameter(
      "`x-batch-validation: permissive` is not supported: MailKit batches are all-or-nothing (strict).",
    );
  const parsed = batch ? parseBatchBody(body) : parseSendEmailBody(body);
  if (!parsed.ok) throw apiErrors.validation(parsed.error);
  const emails = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
  const idempotency = request.idempotency && {
    endpoint: request.idempotency.endpoint,
    key: request.idempotency.key,
    requestHash: hashRequestBody(body),
  };
  if (idempotency) {
    const earlier = await priorOutcome(caller.userId, idempotency, request.idempotency!.prior);
    if (earlier) return answerPrior(earlier);
  }
  // Attachment paths Resend would fetch: their hosts must resolve to public addresses only.
  const hostProblem = await attachmentHostProblem(emails);
  if (hostProblem) throw apiErrors.validation({ name: "validation_error", message: hostProblem });
  try {
    const result = await sendEmails(
      {
        userId: caller.userId,
        customerId: caller.customerId,
        apiKeyId: caller.keyId,
        source: "api",
        senderPolicy: caller.senderPolicy,
      },
      emails,
      {
        batch,
        idempotency: idempotency
          ? { userId: caller.userId, ...idempotency, respond: (r) => sendAnswerBody(r, batch) }
          : undefined,
      },
    );
    return { body: { ...sendAnswerBody(result, batch), credits_remaining: result.creditsRemaining } };
  } catch (error) {
    if (!(error instanceof IdempotencyConflictError) || !idempotency) throw error;
    // A concurrent request with the same key was admitted first: answer as a repeat of it.
    const winner = await readPrior(caller.userId, idempotency);
    if (winner) return answerPrior(winner);
    throw apiErrors.idempotencyInFlight();
  }
}

/** The answer's body, without `credits_remaining` (known once the credits are held). */
function sendAnswerBody(result: Pick<SendResult, "emails" | "creditsCharged" | "suppressed">, batch: boolean) {
  // Recipients on the suppression list were taken out (not sent, not charged): named only when there are some.
  const suppressed = (list: string[] | undefined) => (list?.length ? { suppressed: list } : {});
  const credits = { credits_charged: result.creditsCharged, ...suppressed(result.suppressed) };
  if (batch) return { data: result.emails.map((e) => ({ id: e.id, ...suppressed(e.suppressed) })), ...credits };
  return { id: result.emails[0]!.id, ...credits };
}

function answerPrior(prior: Prior): StoredResponse {
  switch (prior.kind) {
    case "replay":
      return prior.response;
    case "mismatch":
      throw apiErrors.idempotencyMismatch();
    case "in_flight":
      throw apiErrors.idempotencyInFlight();
  }
}

// ---- reading ----------------------------------------------------------------------------------------------

type StoredPayload = {
  replyTo?: string[];
  html?: string;
  text?: string;
  tags?: { name: string; value: string }[];
  scheduledAt?: string;
};

/** A send in Resend's GET /emails shape, plus MailKit's `status` and `credits_charged`. */
export function toApiEmail(row: SendRow, { full }: { full: boolean }): ApiEmail {
  const payload = row.payload as StoredPayload;
  const tags = (payload.tags ?? []).filter((t) => t.name !== SEND_ID_TAG);
  return {
    object: "email" as const,
    id: row.id,
    from: row.fromAddress,
    to: row.to,
    cc: row.cc.length ? row.cc : null,
    bcc: row.bcc.length ? row.bcc : null,
    reply_to: payload.replyTo?.length ? payload.replyTo : null,
    subject: row.subject,
    created_at: row.createdAt.toISOString(),
    scheduled_at: payload.scheduledAt ?? null,
    last_event: lastEventOf(row.status),
    ...(full ? { html: payload.html ?? null, text: payload.text ?? null, tags } : {}),
    status: row.status as ApiEmail["status"],
    credits_charged: row.status === "failed" ? 0 : row.cost,
  };
}
