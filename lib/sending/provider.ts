import type { CreateEmailOptions, ErrorResponse } from "resend";

import { metrics } from "@/lib/metrics";
import { getResend } from "@/lib/resend/client";
import { getTuning } from "@/lib/runtime/tuning";

/**
 * The one place MailKit hands customers' emails to Resend. Each call carries an idempotency key recorded
 * before the first attempt, so a repeat after an unknown outcome is answered with the original result for
 * 24 h instead of sending twice. The SDK has no timeout: every call is bounded here.
 */

/** How a call goes to Resend: one email, a permissive batch (one bad email does not block the others), or an
 * all-or-nothing batch (only for calls the previous pipeline made, which must be repeated exactly). */
export type CallMode = "single" | "batch" | "strict";

export type MemberResult = { id: string } | { error: string };

export type ProviderOutcome =
  /** Resend answered 200: each member's id, or its own refusal (permissive batches), in the order given. */
  | { kind: "accepted"; results: MemberResult[] }
  /** Resend definitely refused the whole call (4xx validation, domain, credentials): nothing was sent. */
  | { kind: "rejected"; statusCode: number; code: string; message: string }
  /** We cannot tell (timeout, network, 5xx, a concurrent attempt), or Resend asked us to slow down (429). */
  | { kind: "unknown"; reason: string; rateLimited?: boolean; retryAfterMs?: number };

export type ProviderCall = {
  idempotencyKey: string;
  emails: CreateEmailOptions[];
  mode: CallMode;
};

export type ProviderAnswer = ProviderOutcome & {
  /** Resend's own request limit, when it said (`ratelimit-limit`). */
  limitPerSecond?: number;
};

export function sendIdempotencyKey(sendId: string): string {
  return `mailkit-send/${sendId}`;
}

export function batchIdempotencyKey(batchId: string): string {
  return `mailkit-batch/${batchId}`;
}

export async function deliverToResend(
  call: ProviderCall,
  timeoutMs = getTuning().providerTimeoutMs,
): Promise<ProviderAnswer> {
  const endpoint = call.mode === "single" ? "emails" : "batch";
  metrics.batchSize.observe(call.emails.length);
  const answer = await callResend(call, timeoutMs);
  const outcome = answer.kind === "unknown" && answer.rateLimited ? "rate_limited" : answer.kind;
  metrics.resendCalls.inc({ endpoint, outcome });
  if (answer.kind === "unknown" && answer.rateLimited) metrics.resendRateLimited.inc();
  return answer;
}

async function callResend(call: ProviderCall, timeoutMs: number): Promise<ProviderAnswer> {
  const signal = AbortSignal.timeout(timeoutMs);
  const options = { idempotencyKey: call.idempotencyKey, signal };
  try {
    if (call.mode === "single") {
      const { data, error, headers } = await getResend().emails.send(call.emails[0]!, options);
      const limit = limitOf(headers);
      if (error) return { ...classifyProviderError(error, signal.aborted, headers), limitPerSecond: limit };
      if (!data?.id) return { kind: "unknown", reason: "Resend answered without an email id" };
      return { kind: "accepted", results: [{ id: data.id }], limitPerSecond: limit };
    }
    const batchValidation = call.mode === "batch" ? "permissive" : "strict";
    const { data, error, headers } = await getResend().batch.send(call.emails, { ...options, batchValidation });
    const limit = limitOf(headers);
    if (error) return { ...classifyProviderError(error, signal.aborted, headers), limitPerSecond: limit };
    const results = memberResults(call.emails.length, data);
    if (!results) return { kind: "unknown", reason: "Resend's batch answer does not cover every email" };
    return { kind: "accepted", results, limitPerSecond: limit };
  } catch (error) {
    // The SDK turns failures into `error` values; anything thrown (an abort while reading the body) is unknown too.
    return {
      kind: "unknown",
      reason: signal.aborted ? `Timed out after ${timeoutMs} ms` : `Resend call failed: ${(error as Error).message}`,
    };
  }
}

type BatchData = { data?: { id: string }[]; errors?: { index: number; message: string }[] } | null;

/** A batch answer lists the accepted emails' ids in order and, when permissive, the refused ones by index. */
function memberResults(count: number, data: BatchData): MemberResult[] | null {
  const ids = data?.data ?? [];
  const refused = new Map((data?.errors ?? []).map((e) => [e.index, e.message]));
  if (ids.length + refused.size !== count) return null;
  const results: MemberResult[] = [];
  let next = 0;
  for (let index = 0; index < count; index++) {
    const error = refused.get(index);
    if (error !== undefined) results.push({ error });
    else {
      const id = ids[next++]?.id;
      if (!id) return null;
      results.push({ id });
    }
  }
  return results;
}

function limitOf(headers: Record<string, string> | null | undefined): number | undefined {
  const value = Number(headers?.["ratelimit-limit"]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

/**
 * Decides whether a Resend error means "not sent" (release the holds) or "maybe sent" (keep them, repeat the
 * same request later). Only a definite 4xx refusal releases; everything else errs on the side of "maybe".
 */
export function classifyProviderError(
  error: ErrorResponse,
  timedOut = false,
  headers?: Record<string, string> | null,
): ProviderOutcome {
  const status = error.statusCode;
  if (status === null || status === undefined) {
    return {
      kind: "unknown",
      reason: timedOut ? "Timed out waiting for Resend" : `Could not reach Resend: ${error.message}`,
    };
  }
  if (status === 429) {
    const seconds = Number(headers?.["retry-after"] ?? headers?.["ratelimit-reset"]);
    return {
      kind: "unknown",
      reason: "Resend answered 429 rate_limit_exceeded",
      rateLimited: true,
      retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000,
    };
  }
  if (status >= 500 || status === 408) return { kind: "unknown", reason: `Resend answered ${status} ${error.name}` };
  // 409: another attempt with this key is in flight, or Resend kept a *successful* response for it under a
  // different body. Either way the email may exist: never release on a 409.
  if (status === 409) return { kind: "unknown", reason: `Resend answered 409 ${error.name}` };
  if (status >= 400) return { kind: "rejected", statusCode: status, code: error.name, message: error.message };
  return { kind: "unknown", reason: `Unexpected Resend status ${status}` };
}
