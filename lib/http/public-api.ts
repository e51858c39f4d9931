import type { z } from "zod";

import { apiErrors } from "@/lib/errors";
import { authorizeToken, type ApiCaller, type IdempotencyRow } from "@/lib/keys/api-keys";
import { logApiRequest } from "@/lib/request-log";
import { rateLimitDecision } from "@/lib/rate-limit";
import { getTuning } from "@/lib/runtime/tuning";
import { isCleanText, uncleanTextMessage, uncleanTextPath } from "@/lib/text";

import { BODY_LIMITS, BodyTooLargeError, InvalidJsonError, readJsonBody } from "./body";
import { fromWebRequest, jsonAnswer, toWebResponse, type EdgeAnswer, type EdgeRequest } from "./edge";
import { errorAnswer } from "./errors";
import { toApiError } from "./public-errors";

/**
 * The public, Resend-compatible API's edge. Every route under /api/emails, /api/domains… is declared as
 * `export const POST = publicApi(operation, (req) => domainFunction(req))`, with the operation from lib/api's
 * operation list (which says who may call it, what body it reads, its path parameters). In order:
 * path parameters (an impossible id is a 404 before anything else) → Bearer key, its permission, the per-key rate
 * limit and an earlier Idempotency-Key (one database round trip, lib/keys/api-keys.ts) → the JSON body, bounded while
 * streaming → the handler. Its answer is JSON; any error is rendered in Resend's shape, with the rate headers.
 */

export type Access = "sending" | "full";

export type PublicApiRequest<P> = {
  caller: ApiCaller;
  params: P;
  query: Record<string, string>;
  header: (name: string) => string | null;
  /** The parsed JSON body (routes declared with `body: "json"`), else undefined. */
  body: unknown;
  /** The request's Idempotency-Key and the earlier request that used it (routes declared `idempotent`). */
  idempotency: { endpoint: string; key: string; prior: IdempotencyRow | null } | null;
};

/** A successful answer: JSON `body` with `status` (200 by default). */
export type PublicAnswer = { status?: number; body: Record<string, unknown> };

/** What the edge needs to know of an operation (lib/api/operations.ts declares each one with its documentation). */
export type PublicRouteOptions<P> = {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** The path under /api, with `{name}` for each path parameter (e.g. "/emails/{id}"). */
  path: string;
  access: Access;
  body?: "json";
  /** The body's limit (default: Resend's 40 MB, for emails with attachments). */
  maxBodyBytes?: number;
  /** The Idempotency-Key is honoured, remembered under "<method> <path>" (e.g. "POST /emails"). */
  idempotent?: boolean;
  /** Path parameters; anything the schema refuses is answered 404 `notFound`. */
  params?: z.ZodType<P>;
  notFound?: string;
};

/**
 * The route handler, carrying the operation it serves (so a test can match route files to the list) and the same
 * route over an EdgeRequest (`answer`, which lib/http/direct-route.ts serves straight from Node's server).
 */
export type PublicRoute<P> = ((request: Request, context?: RouteContext) => Promise<Response>) & {
  operation: PublicRouteOptions<P>;
  answer: (request: EdgeRequest, params?: Promise<unknown>) => Promise<EdgeAnswer>;
};

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
export const IDEMPOTENCY_KEY_MAX_LENGTH = 256;

export const CREDITS_CHARGED_HEADER = "x-mailkit-credits-charged";
export const CREDITS_REMAINING_HEADER = "x-mailkit-credits-remaining";

type RouteContext = { params?: Promise<unknown> };

export function publicApi<P = Record<string, never>>(
  options: PublicRouteOptions<P>,
  handler: (request: PublicApiRequest<P>) => Promise<PublicAnswer>,
): PublicRoute<P> {
  const idempotencyEndpoint = options.idempotent ? `${options.method} ${options.path}` : null;
  async function route(request: Request, context?: RouteContext): Promise<Response> {
    return toWebResponse(await answer(fromWebRequest(request), context?.params));
  }
  async function answer(request: EdgeRequest, rawParams?: Promise<unknown>): Promise<EdgeAnswer> {
    const startedAt = performance.now();
    let rateHeaders: Record<string, string> = {};
    // What the request log needs (lib/request-log): known once the key is, filled in as the request goes.
    const seen: { caller?: ApiCaller; body?: unknown; answer?: PublicAnswer } = {};
    const response = await respond();
    if (seen.caller) logRequest(request, response, seen.caller, seen.body, seen.answer, startedAt);
    return response;

    async function respond(): Promise<EdgeAnswer> {
      try {
        const params = await readParams(options, rawParams);
        const rawKey = idempotencyEndpoint ? request.headers.get(IDEMPOTENCY_KEY_HEADER) : null;
        const gateKey =
          idempotencyEndpoint && rawKey && rawKey.length <= IDEMPOTENCY_KEY_MAX_LENGTH
            ? { endpoint: idempotencyEndpoint, key: rawKey }
            : null;

        const token = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get("authorization") ?? "")?.[1];
        if (!token) throw apiErrors.missingApiKey();
        const authorization = await authorizeToken(token, { windowMs: 1000, idempotency: gateKey });
        if (!authorization) throw apiErrors.invalidApiKey();
        const { caller } = authorization;
        seen.caller = caller;
        if (options.access === "full" && caller.permission !== "full_access") throw apiErrors.restrictedApiKey();
        const decision = rateLimitDecision(
          authorization.requestCount,
          authorization.windowResetInMs,
          caller.rateLimitPerSecond ?? getTuning().rateLimitPerSecond,
        );
        rateHeaders = decision.headers;
        if (!decision.allowed) throw apiErrors.rateLimited(decision.headers);

        const queryAt = request.url.indexOf("?");
        const query = queryAt < 0 ? {} : Object.fromEntries(new URLSearchParams(request.url.slice(queryAt + 1)));
        // No domain function ever sees a NUL or a lone surrogate in a query (PostgreSQL refuses them in text).
        const unclean = Object.entries(query).find(([name, value]) => !isCleanText(name) || !isCleanText(value));
        if (unclean)
          throw apiErrors.validation({
            name: "validation_error",
            message: `The \`${unclean[0].replace(/[^\x20-\x7e]/g, "?")}\` parameter must not contain NUL characters or unpaired UTF-16 surrogates.`,
          });
        const body =
          options.body === "json"
            ? await readPublicJson(request, options.maxBodyBytes ?? BODY_LIMITS.publicApi)
            : undefined;
        // The text rule (lib/text.ts) over the whole body: every string any route's schema reads is clean.
        seen.body = body;
        const uncleanAt = uncleanTextPath(body);
        if (uncleanAt) throw apiErrors.validation({ name: "validation_error", message: uncleanTextMessage(uncleanAt) });
        // Checked after the body, as Resend does: a bad key with a bad body reports the body first.
        if (rawKey !== null && (rawKey.length < 1 || rawKey.length > IDEMPOTENCY_KEY_MAX_LENGTH))
          throw apiErrors.invalidIdempotencyKey();
        const answer = await handler({
          caller,
          params,
          query,
          header: (name) => request.headers.get(name),
          body,
          idempotency: gateKey ? { ...gateKey, prior: authorization.prior } : null,
        });
        seen.answer = answer;
        return jsonAnswer(answer.body, {
          status: answer.status ?? 200,
          headers: { ...rateHeaders, ...creditHeaders(answer.body) },
        });
      } catch (error) {
        return errorAnswer(toApiError(error), "public", { headers: rateHeaders, label: "api" });
      }
    }
  }
  return Object.assign(route, { operation: options, answer });
}

/** Hands the request to the request log: no database work here (lib/request-log buffers it and writes it later). */
function logRequest(
  request: EdgeRequest,
  response: EdgeAnswer,
  caller: ApiCaller,
  body: unknown,
  answer: PublicAnswer | undefined,
  startedAt: number,
): void {
  const facts = {
    userId: caller.userId,
    apiKeyId: caller.keyId,
    method: request.method,
    path: request.url.split("?", 1)[0]!,
    status: response.status,
    startedAt,
    requestBody: body,
  };
  // An error: its JSON body, small, as errorAnswer rendered it.
  logApiRequest({ ...facts, responseBody: answer ? answer.body : JSON.parse(response.body) });
}

async function readParams<P>(options: PublicRouteOptions<P>, rawParams?: Promise<unknown>): Promise<P> {
  if (!options.params) return {} as P; // a route without path parameters
  const raw = await rawParams;
  const values = raw && typeof raw === "object" ? Object.values(raw) : [];
  if (values.some((value) => typeof value === "string" && !isCleanText(value)))
    throw apiErrors.notFound(options.notFound);
  const parsed = options.params.safeParse(raw);
  // Not an id (NUL, percent signs, huge strings…): no such thing, answered before any lookup.
  if (!parsed.success) throw apiErrors.notFound(options.notFound);
  return parsed.data;
}

/** The JSON body, read bounded while streaming (≤ 40 MB like Resend, nesting ≤ 64): 413 / 400 otherwise. */
async function readPublicJson(request: EdgeRequest, limitBytes: number): Promise<unknown> {
  try {
    return await readJsonBody(request, { limitBytes });
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw apiErrors.payloadTooLarge(error.limitBytes);
    if (error instanceof InvalidJsonError)
      throw error.reason === "syntax" ? apiErrors.invalidJson() : apiErrors.jsonTooDeep(error.message);
    throw error;
  }
}

/** The credit figures also travel as headers, for SDKs that only surface `data`. */
function creditHeaders(body: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (typeof body.credits_charged === "number") headers[CREDITS_CHARGED_HEADER] = String(body.credits_charged);
  if (typeof body.credits_remaining === "number") headers[CREDITS_REMAINING_HEADER] = String(body.credits_remaining);
  return headers;
}
