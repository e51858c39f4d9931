import type { z } from "zod";

import { db, type Prisma } from "@/lib/db";
import { metrics } from "@/lib/metrics";

import { errorResponse, HttpError } from "./errors";
import { readWebhookBody } from "./webhook-body";
import { json } from "./json";

/**
 * One inbox per webhook source (Dodo, Resend): bounded raw body → signature verified over those exact bytes →
 * the event's envelope checked → a receipt (the delivery's id) and the handler's effects in ONE transaction, so a
 * redelivery is recognised and changes nothing, and a failure leaves no receipt (the 5xx makes the provider retry).
 * Handlers are a table keyed by event type; each receives its own event type, narrowed by the table.
 */

export type Tx = Prisma.TransactionClient;

/** What a handler did; `after` runs once the transaction committed (e.g. a balance re-read it requested). */
export type HandlerOutcome = {
  outcome?: "applied" | "recorded" | "ignored";
  /** Why the event changed nothing (logged, answered 200: a retry would not change it). */
  ignored?: string;
  after?: () => Promise<void>;
};

export type EventHandler<E> = {
  /** What the handler reads of the event: a signed event without it is logged and ignored (a retry cannot fix it). */
  shape?: z.ZodType;
  /** Before the transaction (and before the receipt): reads or provider calls the effects depend on. */
  prepare?(event: E): Promise<void>;
  apply(event: E, tx: Tx, receiptId: string): Promise<HandlerOutcome | void>;
  /**
   * The common case in one statement (receipt and effects together, no transaction round trips): "duplicate",
   * an outcome, or null when this event needs `apply` after all (the inbox then runs the full transaction).
   */
  express?(event: E, receiptId: string): Promise<HandlerOutcome | "duplicate" | null>;
};

export type HandlerTable<E extends { type: string }> = {
  [T in E["type"]]?: EventHandler<Extract<E, { type: T }>>;
};

export type WebhookSource<E extends { type: string }> = {
  name: "dodo" | "resend";
  /** Verifies the signature over the raw body and parses it; throws WebhookSignatureError or SyntaxError. */
  verify: (rawBody: string, headers: Headers) => { id: string; event: E };
  /** The envelope every event must have (a signed event without it is a 400, not a crash). */
  envelope: z.ZodType;
  handlers: HandlerTable<E>;
  /** Transaction limits for busy databases. */
  transaction?: { maxWait: number; timeout: number };
};

/** The signature (or its headers, or the configured secret) does not check out: 401. */
export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

export type InboxAnswer = {
  received: true;
  outcome: "applied" | "recorded" | "ignored" | "duplicate";
  ignored?: string;
};

/** The route handler for one source: `export const POST = webhookInbox(source)`. */
export function webhookInbox<E extends { type: string }>(source: WebhookSource<E>) {
  return async function POST(request: Request): Promise<Response> {
    const body = await readWebhookBody(request);
    if (!body.ok) {
      const code = body.status === 413 ? "payload_too_large" : "invalid_payload";
      return errorResponse(new HttpError(code, body.message), "plain");
    }
    let verified: { id: string; event: E };
    try {
      verified = source.verify(body.rawBody, request.headers);
    } catch (error) {
      metrics.webhooks.inc({ source: source.name, outcome: "rejected" });
      if (error instanceof WebhookSignatureError)
        return errorResponse(
          new HttpError("invalid_signature", `Invalid webhook signature: ${error.message}`),
          "plain",
        );
      // Verification runs first: a SyntaxError means a correctly signed body that is not JSON.
      if (error instanceof SyntaxError)
        return errorResponse(new HttpError("invalid_payload", "Webhook body is not valid JSON"), "plain");
      throw error;
    }
    const envelope = source.envelope.safeParse(verified.event);
    if (!envelope.success) {
      metrics.webhooks.inc({ source: source.name, outcome: "rejected" });
      const problem = envelope.error.issues[0]!;
      const message = `Malformed event: ${problem.path.join(".") || "payload"}: ${problem.message}`;
      return errorResponse(new HttpError("invalid_payload", message), "plain");
    }
    try {
      const answer = await receive(source, verified.id, verified.event);
      metrics.webhooks.inc({ source: source.name, outcome: answer.outcome });
      return json(answer);
    } catch (error) {
      metrics.webhooks.inc({ source: source.name, outcome: "error" });
      // No receipt was committed, so the provider's retry applies the event.
      console.error(
        `[webhooks/${source.name}] ${JSON.stringify(verified.event.type)} ${JSON.stringify(verified.id)}:`,
        (error as Error).message,
      );
      return errorResponse(new HttpError("unavailable", "Processing failed; retry later"), "plain");
    }
  };
}

async function receive<E extends { type: string }>(
  source: WebhookSource<E>,
  id: string,
  event: E,
): Promise<InboxAnswer> {
  const handler = handlerFor(source.handlers, event);
  // A redelivery is answered without repeating the handler's preparation (it may call a provider); handlers
  // without one need no extra read: the receipt insert below recognises the redelivery.
  if (handler?.prepare && !(handler.shape && shapeProblem(handler.shape, event))) {
    if (await db.webhookReceipt.findUnique({ where: { id }, select: { id: true } }))
      return { received: true, outcome: "duplicate" };
    await handler.prepare(event);
  }

  const express = handler?.express && !(handler.shape && shapeProblem(handler.shape, event));
  const result =
    (express && (await handler.express!(event, id))) || (await applyInTransaction(source, id, event, handler));
  if (result === "duplicate") return { received: true, outcome: "duplicate" };
  // Event types and ids are the sender's text: quoted, so a line break in them cannot forge a log line.
  if (result.ignored)
    console.warn(`[webhooks/${source.name}] ${JSON.stringify(event.type)} ${JSON.stringify(id)}: ${result.ignored}`);
  await result.after?.();
  return {
    received: true,
    outcome: result.outcome ?? (result.ignored ? "ignored" : "applied"),
    ...(result.ignored ? { ignored: result.ignored } : {}),
  };
}

/** The receipt and the handler's effects in one transaction: a redelivery finds the receipt and changes nothing. */
function applyInTransaction<E extends { type: string }>(
  source: WebhookSource<E>,
  id: string,
  event: E,
  handler: EventHandler<E> | undefined,
): Promise<HandlerOutcome | "duplicate"> {
  return db.$transaction(async (tx) => {
    const receipt = await tx.webhookReceipt.createMany({
      data: [{ id, source: source.name, type: event.type }],
      skipDuplicates: true,
    });
    if (receipt.count === 0) return "duplicate" as const;
    if (!handler) return { outcome: "ignored" as const, ignored: "unhandled event type" };
    const malformed = handler.shape && shapeProblem(handler.shape, event);
    if (malformed) return { outcome: "ignored" as const, ignored: malformed };
    return (await handler.apply(event, tx, id)) ?? {};
  }, source.transaction);
}

/** The table's handler for this event's type (the table's keys are its types, so the pairing holds). */
function handlerFor<E extends { type: string }>(table: HandlerTable<E>, event: E): EventHandler<E> | undefined {
  const handlers: Partial<Record<string, EventHandler<E>>> = table;
  return Object.hasOwn(handlers, event.type) ? handlers[event.type] : undefined;
}

function shapeProblem(shape: z.ZodType, event: unknown): string | undefined {
  const parsed = shape.safeParse(event);
  if (parsed.success) return undefined;
  const issue = parsed.error.issues[0]!;
  return `malformed event: ${issue.path.join(".") || "(root)"} ${issue.message}`;
}
