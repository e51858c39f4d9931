import type { z } from "zod";

import { db, type Tx } from "@/lib/db";
import { logger } from "@/lib/runtime/log";

/**
 * The webhook inbox of each source (Dodo, Resend), behind the HTTP part in lib/http/webhook-inbox.ts: a receipt
 * (the delivery's id) and the handler's effects in ONE transaction, so a redelivery is recognised and changes
 * nothing, and a failure leaves no receipt (the 5xx makes the provider retry). Handlers are a table keyed by event
 * type; each receives its own event type, narrowed by the table. The domains own their handlers and import these
 * types only; lib/inbound/dodo.ts and lib/inbound/resend.ts compose their tables into sources.
 */

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

/** A request's headers (web Headers, or Node's through lib/http/edge.ts). */
export type HeaderReader = { get(name: string): string | null };

export type WebhookSource<E extends { type: string }> = {
  name: "dodo" | "resend";
  /** Verifies the signature over the raw body and parses it; throws WebhookSignatureError (lib/errors) or SyntaxError. */
  verify: (rawBody: string, headers: HeaderReader) => { id: string; event: E };
  /** The envelope every event must have (a signed event without it is a 400, not a crash). */
  envelope: z.ZodType;
  handlers: HandlerTable<E>;
  /** Transaction limits for busy databases. */
  transaction?: { maxWait: number; timeout: number };
};

export type InboxAnswer = {
  received: true;
  outcome: "applied" | "recorded" | "ignored" | "duplicate";
  ignored?: string;
};

/**
 * One verified event of `source`, with its envelope checked: the receipt and the handler's effects, or
 * "duplicate" when the delivery was seen before.
 */
export async function receiveWebhook<E extends { type: string }>(
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
    logger(`webhooks/${source.name}`).warn({ type: event.type, id, reason: result.ignored }, "webhook ignored");
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
