import { takeRateLimit } from "@/lib/rate-limit";
import { db } from "@/lib/db";
import { sleep } from "@/lib/runtime/loops";
import {
  effectiveRatePerSecond,
  learnResendLimit,
  paceResendCall,
  pauseResendBudget,
  resendBacklogMs,
} from "@/lib/resend/budget";
import { getTuning } from "@/lib/runtime/tuning";

import { DomainError } from "./errors";

/**
 * How sender-domain work shares Resend's team limit with email delivery (lib/resend/budget.ts):
 *  - every Domains API call takes a slot of the platform's Resend budget, like an email call;
 *  - all domain calls together use at most DOMAIN_SHARE of that budget: their own schedule (a second
 *    ProviderBudget row, same GCRA spacing), 1 call/s at Resend's default 5/s;
 *  - the poller only goes when that schedule is free now and no email call holds a future slot of the budget;
 *  - each customer starts at most CUSTOMER_OPERATIONS_PER_MINUTE domain operations (add, verify, remove).
 */

export const DOMAIN_SHARE = 0.2;
export const CUSTOMER_OPERATIONS_PER_MINUTE = 30;
const DOMAIN_BUDGET = "resend-domains";
// A customer's call waits at most this long for the domains' share before the request is refused (429).
const MAX_CUSTOMER_WAIT_MS = 10_000;

function domainSpacingMs(): number {
  return 1000 / (effectiveRatePerSecond() * DOMAIN_SHARE);
}

const TAKE_DOMAIN_SLOT_SQL = `
INSERT INTO "ProviderBudget" ("name", "nextSlotAt", "updatedAt")
VALUES ($1, clock_timestamp()::timestamp + $2 * interval '1 millisecond', now())
ON CONFLICT ("name") DO UPDATE SET
  "nextSlotAt" = GREATEST("ProviderBudget"."nextSlotAt", clock_timestamp()::timestamp) + $2 * interval '1 millisecond',
  "updatedAt" = now()
WHERE "ProviderBudget"."nextSlotAt" <= clock_timestamp()::timestamp + $3 * interval '1 millisecond'
RETURNING GREATEST(0, extract(epoch from ("nextSlotAt" - $2 * interval '1 millisecond' - clock_timestamp()::timestamp)) * 1000)::float8 AS "waitMs"`;

// The poller's turn on the domains' schedule, only when it is free now. One statement, so instances never both
// take the same turn.
const TAKE_POLLING_TURN_SQL = `
INSERT INTO "ProviderBudget" ("name", "nextSlotAt", "updatedAt")
VALUES ($1, clock_timestamp()::timestamp + $2 * interval '1 millisecond', now())
ON CONFLICT ("name") DO UPDATE SET
  "nextSlotAt" = clock_timestamp()::timestamp + $2 * interval '1 millisecond',
  "updatedAt" = now()
WHERE "ProviderBudget"."nextSlotAt" <= clock_timestamp()::timestamp
RETURNING 1 AS "taken"`;

/**
 * Takes the poller's turn if delivery and customers leave it free right now; false means "not now". Email calls
 * come first: while one waits for its Resend slot (or has just been made) the poller stays out.
 */
export async function takePollingTurn(): Promise<boolean> {
  if ((await resendBacklogMs()) > 0) return false;
  const rows = await db.$queryRawUnsafe<unknown[]>(TAKE_POLLING_TURN_SQL, DOMAIN_BUDGET, domainSpacingMs());
  return rows.length > 0;
}

/** A customer's domain call: waits for the domains' share (a few seconds at most, else 429). */
async function waitForCustomerTurn(): Promise<void> {
  const rows = await db.$queryRawUnsafe<{ waitMs: number }[]>(
    TAKE_DOMAIN_SLOT_SQL,
    DOMAIN_BUDGET,
    domainSpacingMs(),
    MAX_CUSTOMER_WAIT_MS,
  );
  if (!rows[0]) throw busy(Math.ceil(MAX_CUSTOMER_WAIT_MS / 1000));
  if (rows[0].waitMs > 0) await sleep(Number(rows[0].waitMs));
}

/** The rate-limit bucket that counts a customer's domain operations (a fixed window of one clock minute). */
export const customerOperationsBucket = (userId: string) => `domains:${userId}`;

/** Counts one domain operation of the customer; 429 beyond CUSTOMER_OPERATIONS_PER_MINUTE. */
export async function countCustomerOperation(userId: string): Promise<void> {
  const decision = await takeRateLimit(customerOperationsBucket(userId), CUSTOMER_OPERATIONS_PER_MINUTE, 60_000);
  if (decision.allowed) return;
  throw new DomainError(
    "rate_limit_exceeded",
    `Too many domain requests: at most ${CUSTOMER_OPERATIONS_PER_MINUTE} adds, verifies and removals a minute. Retry in ${decision.resetSeconds} s.`,
    decision.headers,
  );
}

function busy(retryAfterSeconds: number): DomainError {
  return new DomainError(
    "rate_limit_exceeded",
    `MailKit is busy with other domain requests; retry in ${retryAfterSeconds} s.`,
    { "retry-after": String(retryAfterSeconds) },
  );
}

type SdkResult = {
  error: { statusCode: number | null; name: string; message: string } | null;
  headers: Record<string, string> | null;
};

/**
 * One Domains API call within the shared budget, bounded by the provider timeout. `customer` calls (a request is
 * waiting) take the domains' share and are repeated (up to 3 attempts) when no answer came or Resend answered
 * 5xx/429 — get/verify/remove are idempotent, and a create that did land is answered 403 and adopted. `poller`
 * calls already hold their turn and are made once (the next poll repeats them).
 */
export async function resendDomainCall<T extends SdkResult>(
  who: "customer" | "poller",
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const attempts = who === "customer" ? 3 : 1;
  let result!: T;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (attempt > 1) await sleep(100 * 3 ** (attempt - 2));
    if (who === "customer") await waitForCustomerTurn();
    result = await paceResendCall(() => callBounded(call));
    await learnResendLimit(headerNumber(result.headers, "ratelimit-limit"));
    const status = result.error?.statusCode;
    if (status === 429) await pauseResendBudget((headerNumber(result.headers, "retry-after") ?? 1) * 1000);
    if (!result.error || (typeof status === "number" && status < 500 && status !== 429)) return result;
  }
  return result;
}

async function callBounded<T extends SdkResult>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await call(AbortSignal.timeout(getTuning().providerTimeoutMs));
  } catch (error) {
    // The SDK reports API errors as values; a throw (an abort while reading the body) is "no answer".
    const failure: SdkResult = {
      error: { statusCode: null, name: "application_error", message: (error as Error).message },
      headers: null,
    };
    return { data: null, ...failure } as unknown as T;
  }
}

function headerNumber(headers: Record<string, string> | null, name: string): number | undefined {
  const value = Number(headers?.[name]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}
