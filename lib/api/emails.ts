import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "@/lib/http/body";
import { sendEmails, type SendResult } from "@/lib/sending";
import { IdempotencyConflictError } from "@/lib/sending/errors";
import { getSendRow, listSendsPage, type SendRow } from "@/lib/sending/queries";
import { lastEventOf } from "@/lib/sending/status";
import { listEmailsQuery, parseBatchBody, parseSendEmailBody, SEND_ID_TAG } from "@/lib/validations/email";

import { withApiKey } from "./auth";
import { ApiError, apiErrors } from "./errors";
import { hashRequestBody, priorOutcome, readIdempotencyKey, readPrior, type Prior } from "./idempotency";
import { jsonResponse } from "./respond";

/**
 * The Resend-compatible email endpoints under /api. Route handlers call these; each answers a Response.
 *   POST /api/emails        queue one email for delivery   (sending or full access)
 *   POST /api/emails/batch  queue up to 100, all-or-nothing
 *   GET  /api/emails/{id}   one email                 (full access)
 *   GET  /api/emails        list, newest first        (full access)
 */

export function handleSendEmail(request: Request): Promise<Response> {
  return handleSend(request, "POST /emails", false);
}

export function handleSendBatch(request: Request): Promise<Response> {
  // MailKit holds a batch's credits all-or-nothing, so it cannot keep "the valid ones" of a permissive batch.
  if (request.headers.get("x-batch-validation") === "permissive") {
    return withApiKey(request, "sending", async () => {
      throw apiErrors.invalidParameter(
        "`x-batch-validation: permissive` is not supported: MailKit batches are all-or-nothing (strict).",
      );
    });
  }
  return handleSend(request, "POST /emails/batch", true);
}

export function handleGetEmail(request: Request, id: string): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const row = await getSendRow(caller.userId, id);
    if (!row) throw apiErrors.notFound();
    return jsonResponse({ status: 200, body: toApiEmail(row, { full: true }) });
  });
}

export function handleListEmails(request: Request): Promise<Response> {
  return withApiKey(request, "full", async (caller) => {
    const params = Object.fromEntries(new URL(request.url).searchParams);
    const query = listEmailsQuery.safeParse(params);
    if (!query.success)
      throw apiErrors.validation({ name: "validation_error", message: query.error.issues[0]!.message });
    const page = await listSendsPage(caller.userId, query.data);
    if (!page)
      throw apiErrors.validation({
        name: "validation_error",
        message: "The `after` or `before` cursor does not match any email.",
      });
    return jsonResponse({
      status: 200,
      body: { object: "list", has_more: page.hasMore, data: page.items.map((row) => toApiEmail(row, { full: false })) },
    });
  });
}

// ---- sending ----------------------------------------------------------------------------------------------

/**
 * Admits the email(s) and answers 200 `{ id }` (Resend's "accepted for delivery"): the status is `queued`
 * until the dispatcher hands it to Resend. With an Idempotency-Key, the key and this answer are recorded in
 * the statement that holds the credits; a repeat replays it, another body with the same key is a 409.
 */
function handleSend(request: Request, endpoint: string, batch: boolean): Promise<Response> {
  const rawKey = request.headers.get("idempotency-key");
  const gateKey = rawKey && rawKey.length <= 256 ? { endpoint, key: rawKey } : null;
  return withApiKey(
    request,
    "sending",
    async (caller, { prior }) => {
      const body = await readSendBody(request);
      const key = readIdempotencyKey(request);
      const parsed = batch ? parseBatchBody(body) : parseSendEmailBody(body);
      if (!parsed.ok) throw apiErrors.validation(parsed.error);
      const emails = Array.isArray(parsed.value) ? parsed.value : [parsed.value];
      const idempotency = key ? { endpoint, key, requestHash: hashRequestBody(body) } : null;
      if (idempotency) {
        const earlier = await priorOutcome(caller.userId, idempotency, prior);
        if (earlier) return answerPrior(earlier);
      }
      try {
        const result = await sendEmails(
          { userId: caller.userId, customerId: caller.customerId, apiKeyId: caller.keyId, source: "api" },
          emails,
          {
            batch,
            idempotency: idempotency
              ? { userId: caller.userId, ...idempotency, respond: (r) => sendAnswerBody(r, batch) }
              : undefined,
          },
        );
        return jsonResponse({
          status: 200,
          body: { ...sendAnswerBody(result, batch), credits_remaining: result.creditsRemaining },
        });
      } catch (error) {
        if (!(error instanceof IdempotencyConflictError) || !idempotency) throw error;
        // A concurrent request with the same key was admitted first: answer as a repeat of it.
        const winner = await readPrior(caller.userId, idempotency);
        if (winner) return answerPrior(winner);
        throw apiErrors.idempotencyInFlight();
      }
    },
    { idempotency: gateKey },
  );
}

/** The answer's body, without `credits_remaining` (known once the credits are held). */
function sendAnswerBody(result: Pick<SendResult, "emails" | "creditsCharged" | "suppressed">, batch: boolean) {
  // Recipients on the suppression list were taken out (not sent, not charged): named only when there are some.
  const suppressed = (list: string[] | undefined) => (list?.length ? { suppressed: list } : {});
  const credits = { credits_charged: result.creditsCharged, ...suppressed(result.suppressed) };
  if (batch) return { data: result.emails.map((e) => ({ id: e.id, ...suppressed(e.suppressed) })), ...credits };
  return { id: result.emails[0]!.id, ...credits };
}

function answerPrior(prior: Prior): Response {
  switch (prior.kind) {
    case "replay":
      return jsonResponse(prior.response);
    case "mismatch":
      throw apiErrors.idempotencyMismatch();
    case "in_flight":
      throw apiErrors.idempotencyInFlight();
  }
}

// ---- reading ----------------------------------------------------------------------------------------------

type StoredPayload = { replyTo?: string[]; html?: string; text?: string; tags?: { name: string; value: string }[] };

/** A send in Resend's GET /emails shape, plus MailKit's `status` and `credits_charged`. */
export function toApiEmail(row: SendRow, { full }: { full: boolean }) {
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
    scheduled_at: null,
    last_event: lastEventOf(row.status),
    ...(full ? { html: payload.html ?? null, text: payload.text ?? null, tags } : {}),
    status: row.status,
    credits_charged: row.status === "failed" ? 0 : row.cost,
  };
}

// ---- request bodies ---------------------------------------------------------------------------------------

/** The JSON body, read bounded while streaming (≤ 40 MB like Resend, nesting ≤ 64): 413 / 400 otherwise. */
async function readSendBody(request: Request): Promise<unknown> {
  try {
    return await readJsonBody(request, { limitBytes: BODY_LIMITS.publicApi });
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw apiErrors.payloadTooLarge(error.limitBytes);
    if (error instanceof InvalidJsonError)
      throw error.reason === "syntax" ? apiErrors.invalidJson() : new ApiError(400, "validation_error", error.message);
    throw error;
  }
}
