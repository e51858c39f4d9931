import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import { join } from "node:path";

import pino, { type DestinationStream, type Logger } from "pino";

import { getEnv } from "@/lib/env";
import { processLazy, processSingleton } from "@/lib/runtime/singleton";

/**
 * MailKit's server log: one JSON object per line (pino) on stdout, at LOG_LEVEL, readable by any log shipper;
 * pretty-printed in development when pino-pretty is installed. Every line written while a request is handled
 * carries that request's id (lib/runtime/http.ts). Secrets are removed before a line is written: values under
 * secret-looking keys, and API keys, webhook secrets, bearer tokens, session cookies and database passwords
 * wherever they appear in a string (messages, error messages and stacks).
 */

const REDACTED = "[redacted]";

// Keys whose values are never logged, at any depth.
const SECRET_KEY = /(secret|token|password|passwd|authorization|cookie|api[-_]?key|credential|signature)/i;

// Secrets recognisable inside free text.
const SECRET_PATTERNS: Array<[RegExp, string]> = [
  [/\bmk_[A-Za-z0-9_-]{6,}/g, `mk_${REDACTED}`], // MailKit API keys
  [/\bre_[A-Za-z0-9_-]{6,}/g, `re_${REDACTED}`], // Resend API keys
  [/\bwhsec_[A-Za-z0-9+/=_-]{6,}/g, `whsec_${REDACTED}`], // Standard Webhooks secrets
  [/\b(Bearer|Basic)\s+[^\s"',;]+/gi, `$1 ${REDACTED}`],
  [/((?:__Secure-|__Host-)?(?:authjs|next-auth)\.[a-z.-]*=)[^;\s"',]+/gi, `$1${REDACTED}`], // Auth.js cookies
  [/\b(postgres(?:ql)?:\/\/[^:/\s@]+:)[^@\s]+@/gi, `$1${REDACTED}@`], // database URL passwords
];

export function scrubText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A copy of `value` safe to log: secret keys' values replaced, strings scrubbed, errors made plain objects. */
export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return scrubText(value);
  if (value === null || typeof value !== "object") return value;
  if (depth > 6) return "[deep]";
  if (value instanceof Error) {
    const plain: Record<string, unknown> = { type: value.name, message: scrubText(value.message) };
    if (value.stack) plain.stack = scrubText(value.stack);
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) plain.code = code;
    if (value.cause !== undefined) plain.cause = scrub(value.cause, depth + 1);
    return plain;
  }
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => scrub(item, depth + 1));
  if (value instanceof Headers) return scrub(Object.fromEntries(value.entries()), depth);
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : scrub(item, depth + 1);
  return out;
}

/** The request being handled, if any (set by lib/runtime/http.ts for each incoming request). */
export const requestContext = processSingleton("request-context", () => new AsyncLocalStorage<{ requestId: string }>());

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}

/** A logger writing to `destination` (stdout when omitted). Tests pass their own stream. */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  const settings = readSettings();
  return pino(
    {
      level: options.level ?? settings.level,
      base: { pid: process.pid, role: settings.role },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
      hooks: {
        // Every argument is scrubbed before pino serialises it: objects, errors and the message alike.
        logMethod(args, method) {
          const clean = args.map((arg) => scrub(arg)) as Parameters<typeof method>;
          const first = clean[0];
          // A lone error becomes { err } so that its message is the line's message.
          if (args[0] instanceof Error && clean.length === 1) {
            return method.call(this, { err: first }, (first as { message: string }).message);
          }
          return method.apply(this, clean);
        },
      },
    },
    options.destination ?? defaultDestination(settings.pretty),
  );
}

// The logger reports configuration errors too, so it cannot depend on the configuration being valid.
function readSettings(): { level: string; role: string; pretty: boolean } {
  try {
    const env = getEnv();
    const json = env.LOG_JSON === "1" || env.LOG_JSON === "true";
    return { level: env.LOG_LEVEL, role: env.MAILKIT_ROLE, pretty: env.NODE_ENV === "development" && !json };
  } catch {
    return { level: "info", role: "unknown", pretty: false };
  }
}

function defaultDestination(pretty: boolean): DestinationStream {
  if (pretty) {
    try {
      // A development dependency: absent from production installs, where lines stay JSON.
      const require = createRequire(join(/*turbopackIgnore: true*/ process.cwd(), "package.json"));
      const pretty = require("pino-pretty") as (options: object) => DestinationStream;
      return pretty({ sync: true, colorize: true, ignore: "pid,hostname,role" });
    } catch {
      /* not installed: JSON */
    }
  }
  // Synchronous writes: a line logged just before the process exits (shutdown, a fatal error) is not lost.
  return pino.destination({ dest: 1, sync: true });
}

const root = processLazy("logger", () => createLogger());

/** The process's logger, or a child tagged with `component` (e.g. "dispatcher", "db"). */
export function logger(component?: string): Logger {
  if (!component) return root.get();
  const children = processSingleton("child-loggers", () => new Map<string, Logger>());
  let child = children.get(component);
  if (!child || childRoots.get(child) !== root.get()) {
    child = root.get().child({ component });
    children.set(component, child);
    childRoots.set(child, root.get());
  }
  return child;
}

const childRoots = new WeakMap<Logger, Logger>();

/** Replaces the process logger (a test's, writing to its own stream), or drops it to be created again. */
export function setLoggerForTests(replacement?: Logger): void {
  root.reset();
  if (replacement) root.set(replacement);
}
