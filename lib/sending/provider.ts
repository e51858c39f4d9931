import type { CreateEmailOptions, ErrorResponse } from "resend";

import { getResend } from "@/lib/resend/client";

import { getSendingConfig } from "./config";

/**
 * The one place MailKit hands customers' emails to Resend. Each call carries an idempotency key chosen before
 * the first attempt (from the send or batch id), so a retry after an unknown outcome is answered with the
 * original result for 24 h instead of sending twice. The SDK has no timeout: every call is bounded here.
 */

export type ProviderOutcome =
  /** Resend accepted every email; ids in the order given. */
  | { kind: "accepted"; resendIds: string[] }
  /** Resend definitely refused (4xx validation, domain, credentials): nothing was sent. */
  | { kind: "rejected"; statusCode: number; code: string; message: string }
  /** We cannot tell (timeout, network, 429, 5xx, a concurrent attempt): it may or may not have been sent. */
  | { kind: "unknown"; reason: string };

export type ProviderRequest = {
  idempotencyKey: string;
  /** One email (POST /emails) or a batch (POST /emails/batch, all-or-nothing). */
  emails: CreateEmailOptions[];
  batch: boolean;
};

export function sendIdempotencyKey(sendId: string): string {
  return `mailkit-send/${sendId}`;
}

export function batchIdempotencyKey(batchId: string): string {
  return `mailkit-batch/${batchId}`;
}

export async function deliverToResend(
  request: ProviderRequest,
  timeoutMs = getSendingConfig().providerTimeoutMs,
): Promise<ProviderOutcome> {
  const signal = AbortSignal.timeout(timeoutMs);
  const options = { idempotencyKey: request.idempotencyKey, signal };
  try {
    if (!request.batch) {
      const { data, error } = await getResend().emails.send(request.emails[0]!, options);
      if (error) return classifyProviderError(error, signal.aborted);
      if (!data?.id) return { kind: "unknown", reason: "Resend answered without an email id" };
      return { kind: "accepted", resendIds: [data.id] };
    }
    const { data, error } = await getResend().batch.send(request.emails, { ...options, batchValidation: "strict" });
    if (error) return classifyProviderError(error, signal.aborted);
    const ids = data?.data?.map((item) => item.id) ?? [];
    if (ids.length !== request.emails.length || ids.some((id) => !id)) {
      return { kind: "unknown", reason: `Resend accepted ${ids.length} of ${request.emails.length} batch emails` };
    }
    return { kind: "accepted", resendIds: ids };
  } catch (error) {
    // The SDK turns failures into `error` values; anything thrown (an abort while reading the body) is unknown too.
    return {
      kind: "unknown",
      reason: signal.aborted ? `Timed out after ${timeoutMs} ms` : `Resend call failed: ${(error as Error).message}`,
    };
  }
}

/**
 * Decides whether a Resend error means "not sent" (release the hold) or "maybe sent" (keep it, retry the
 * same request later). Only a definite 4xx refusal releases; everything else errs on the side of "maybe".
 */
export function classifyProviderError(error: ErrorResponse, timedOut = false): ProviderOutcome {
  const status = error.statusCode;
  if (status === null || status === undefined) {
    return {
      kind: "unknown",
      reason: timedOut ? "Timed out waiting for Resend" : `Could not reach Resend: ${error.message}`,
    };
  }
  if (status === 429 || status >= 500 || status === 408)
    return { kind: "unknown", reason: `Resend answered ${status} ${error.name}` };
  // 409: another attempt with this key is in flight, or Resend kept a *successful* response for it under a
  // different body. Either way the email may exist: never release on a 409.
  if (status === 409) return { kind: "unknown", reason: `Resend answered 409 ${error.name}` };
  if (status >= 400) return { kind: "rejected", statusCode: status, code: error.name, message: error.message };
  return { kind: "unknown", reason: `Unexpected Resend status ${status}` };
}
