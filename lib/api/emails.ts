import { db } from "@/lib/db";
import { sendEmails, type SendResult } from "@/lib/sending";
import { ProviderRejectedError } from "@/lib/sending/errors";
import { getSendRow, listSendsPage, type SendRow } from "@/lib/sending/queries";
import { isAccepted, lastEventOf } from "@/lib/sending/status";
import {
  listEmailsQuery,
  parseBatchBody,
  parseSendEmailBody,
  SEND_ID_TAG,
  type OutgoingEmail,
} from "@/lib/validations/email";

import { withApiKey } from "./auth";
import { apiErrors } from "./errors";
import {
  claimInTransaction,
  findPrior,
  forgetClaim,
  hashRequestBody,
  isClaimConflict,
  readIdempotencyKey,
  storeResponse,
  type IdempotencyClaim,
  type Prior,
} from "./idempotency";
import type { ApiCaller } from "./keys";
import { jsonResponse, type ApiResult } from "./respond";

/**
 * The Resend-compatible email endpoints under /api. Route handlers call these; each answers a Response.
 *   POST /api/emails        send one email            (sending or full access)
 *   POST /api/emails/batch  send up to 100, all-or-nothing
 *   GET  /api/emails/{id}   one email                 (full access)
 *   GET  /api/emails        list, newest first        (full access)
 */

export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export function handleSendEmail(request: Request): Promise<Response> {
  return withApiKey(request, "sending", async (caller) => {
    const body = await readJsonBody(request);
    const key = readIdempotencyKey(request);
    const parsed = parseSendEmailBody(body);
    if (!parsed.ok) throw apiErrors.validation(parsed.error);
    return send(caller, { endpoint: "POST /emails", key, body, emails: [parsed.value], batch: false });
  });
}

export function handleSendBatch(request: Request): Promise<Response> {
  return withApiKey(request, "sending", async (caller) => {
    // MailKit holds a batch's credits all-or-nothing, so it cannot keep "the valid ones" of a permissive batch.
    if (request.headers.get("x-batch-validation") === "permissive") {
      throw apiErrors.invalidParameter(
        "`x-batch-validation: permissive` is not supported: MailKit batches are all-or-nothing (strict).",
      );
    }
    const body = await readJsonBody(request);
    const key = readIdempotencyKey(request);
    const parsed = parseBatchBody(body);
    if (!parsed.ok) throw apiErrors.validation(parsed.error);
    return send(caller, { endpoint: "POST /emails/batch", key, body, emails: parsed.value, batch: true });
  });
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

type SendRequest = { endpoint: string; key: string | null; body: unknown; emails: OutgoingEmail[]; batch: boolean };

async function send(caller: ApiCaller, request: SendRequest): Promise<Response> {
  const sender = {
    userId: caller.userId,
    customerId: caller.customerId,
    apiKeyId: caller.keyId,
    source: "api" as const,
  };
  const present = (result: SendResult) => presentSend(result, request.batch);
  if (!request.key) return jsonResponse(present(await sendEmails(sender, request.emails, { batch: request.batch })));

  const claim: IdempotencyClaim = {
    userId: caller.userId,
    endpoint: request.endpoint,
    key: request.key,
    requestHash: hashRequestBody(request.body),
  };
  const prior = await findPrior(claim);
  if (prior) return answerPrior(claim, prior, request.batch);
  try {
    const result = present(
      await sendEmails(sender, request.emails, { batch: request.batch, beforeHold: claimInTransaction(claim) }),
    );
    await storeResponse(claim, result);
    return jsonResponse(result);
  } catch (error) {
    if (isClaimConflict(error)) {
      const winner = await findPrior(claim);
      if (winner) return answerPrior(claim, winner, request.batch);
      throw apiErrors.idempotencyInFlight();
    }
    // Refused by Resend: nothing was charged, so a corrected retry may reuse the key (as with Resend).
    if (error instanceof ProviderRejectedError) await forgetClaim(claim);
    throw error;
  }
}

async function answerPrior(claim: IdempotencyClaim, prior: Prior, batch: boolean): Promise<Response> {
  switch (prior.kind) {
    case "replay":
      return jsonResponse(prior.response);
    case "mismatch":
      throw apiErrors.idempotencyMismatch();
    case "in_flight":
      throw apiErrors.idempotencyInFlight();
    case "abandoned": {
      // The first request died before answering; its sends exist and are (being) settled: describe them.
      const result = presentSend(await resultFromSends(prior.sendIds), batch);
      await storeResponse(claim, result);
      return jsonResponse(result);
    }
  }
}

/**
 * 200 once Resend accepted; 202 while the outcome is being confirmed (the credits stay held and the email
 * is sent at most once; GET /emails/{id} shows how it ended). Extra fields say what was charged.
 */
function presentSend(result: SendResult, batch: boolean): ApiResult {
  const credits = { credits_charged: result.creditsCharged, credits_remaining: result.creditsRemaining };
  const pending = result.settled ? {} : { status: "queued" };
  const status = result.settled ? 200 : 202;
  if (batch) return { status, body: { data: result.emails.map((e) => ({ id: e.id })), ...pending, ...credits } };
  return { status, body: { id: result.emails[0]!.id, ...pending, ...credits } };
}

async function resultFromSends(sendIds: string[]): Promise<SendResult> {
  const rows = await db.emailSend.findMany({ where: { id: { in: sendIds } }, orderBy: [{ batchIndex: "asc" }] });
  const customerId = rows[0]?.customerId;
  const account = customerId ? await db.creditAccount.findUnique({ where: { customerId } }) : null;
  return {
    settled: rows.every((r) => isAccepted(r.status)),
    emails: rows.map((r) => ({ id: r.id, cost: r.cost, status: r.status as SendResult["emails"][number]["status"] })),
    creditsCharged: rows.filter((r) => r.status !== "failed").reduce((sum, r) => sum + r.cost, 0),
    creditsRemaining: account ? Math.max(0, account.balance - account.reserved) : 0,
  };
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

async function readJsonBody(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > MAX_BODY_BYTES) throw apiErrors.payloadTooLarge(MAX_BODY_BYTES);
  const text = await request.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) throw apiErrors.payloadTooLarge(MAX_BODY_BYTES);
  try {
    return JSON.parse(text);
  } catch {
    throw apiErrors.invalidJson();
  }
}
