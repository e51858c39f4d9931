import { getSessionUser, type SessionUser } from "@/lib/auth/session";
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/runtime/log";

import { BODY_LIMITS, BodyTooLargeError, readBodyBytes } from "./body";
import { asHttpError, HttpError, isDatabaseUnavailable, type ErrorCode } from "@/lib/errors";
import { errorResponse } from "./errors";
import { renderAnswer, type PlainAnswer } from "./plain-route";
import { json } from "./json";

/**
 * MailKit's own signed-in routes (billing buttons, the dashboard's live poll). A POST must come from MailKit's
 * own pages (Origin check on top of SameSite=Lax cookies), its small form body is read bounded, and the answer
 * suits the caller: a plain HTML form gets a 303 redirect, fetch() gets JSON. Errors are `{ error, message }`.
 */

/** Where a form post goes on success, and what a fetch() caller gets. */
export type SessionAnswer = { redirect: string; json: Record<string, unknown> };

export type SessionPostOptions = {
  /** Where a signed-out form post is sent (the sign-in page, coming back here). */
  signIn: string;
  /** The page a form post returns to with `?error=<code>` when the action fails. */
  errorPage: string;
  /** What an unexpected failure (logged) is answered as. */
  failure: { code: ErrorCode; message: string };
};

export function sessionPost(options: SessionPostOptions, handler: (user: SessionUser) => Promise<SessionAnswer>) {
  return async function POST(request: Request): Promise<Response> {
    try {
      return await handlePost(request);
    } catch (error) {
      // Reading the session failed (the database is unavailable: 503 with Retry-After, or a 500).
      return errorResponse(error, "plain", { label: new URL(request.url).pathname });
    }
  };

  async function handlePost(request: Request): Promise<Response> {
    if (isCrossSite(request))
      return errorResponse(
        new HttpError("cross_site_request", "This request must come from MailKit's own pages."),
        "plain",
      );
    // The form carries nothing MailKit reads; draining it with a small limit keeps big bodies out of memory.
    try {
      await readBodyBytes(request, { limitBytes: BODY_LIMITS.form });
    } catch (error) {
      if (error instanceof BodyTooLargeError)
        return errorResponse(new HttpError("payload_too_large", "The request body is too large."), "plain");
      throw error;
    }
    const form = wantsRedirect(request);
    const user = await getSessionUser();
    if (!user)
      return form
        ? seeOther(`/signin?callbackUrl=${encodeURIComponent(options.signIn)}`)
        : errorResponse(new HttpError("unauthorized", "Sign in first."), "plain");
    try {
      const answer = await handler(user);
      return form ? seeOther(answer.redirect) : json(answer.json);
    } catch (caught) {
      const label = new URL(request.url).pathname;
      const error =
        caught instanceof HttpError || isDatabaseUnavailable(caught)
          ? asHttpError(caught, label)
          : new HttpError(options.failure.code, options.failure.message);
      if (!(caught instanceof HttpError) && !isDatabaseUnavailable(caught))
        logger(label).error({ err: caught }, "request failed");
      return form ? seeOther(`${options.errorPage}?error=${error.code}`) : errorResponse(error, "plain");
    }
  }
}

/** A signed-in GET (JSON, or a download), never cached. */
export function sessionGet(handler: (user: SessionUser) => Promise<PlainAnswer>) {
  return async function GET(request?: Request): Promise<Response> {
    try {
      const user = await getSessionUser();
      if (!user) return errorResponse(new HttpError("unauthorized", "Sign in first."), "plain");
      const answer = await handler(user);
      return renderAnswer({ ...answer, headers: { "cache-control": "no-store", ...answer.headers } });
    } catch (error) {
      const label = request ? new URL(request.url).pathname : "session";
      return errorResponse(error, "plain", { headers: { "cache-control": "no-store" }, label });
    }
  };
}

/** A plain HTML form post (no JavaScript) wants a redirect; fetch() callers want JSON. */
function wantsRedirect(request: Request): boolean {
  const type = request.headers.get("content-type") ?? "";
  const accept = request.headers.get("accept") ?? "";
  return (
    type.includes("application/x-www-form-urlencoded") ||
    type.includes("multipart/form-data") ||
    (accept.includes("text/html") && !accept.includes("application/json"))
  );
}

function seeOther(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

/** Browsers send Origin on every cross-origin POST: it must be MailKit's own. */
function isCrossSite(request: Request): boolean {
  const origin = request.headers.get("origin");
  return origin !== null && origin !== new URL(getEnv().APP_URL).origin;
}
