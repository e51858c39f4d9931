import { createHash } from "node:crypto";

import { takeRateLimit } from "@/lib/api/rate-limit";
import { getEnv } from "@/lib/env";

/**
 * Sign-in links cost a paid email from the operator's domain, so they are throttled per email address and per
 * client address, in the database (every instance shares the counts).
 */

const HOUR_MS = 60 * 60 * 1000;
// Per client and per address: SIGNIN_LINKS_PER_CLIENT_PER_HOUR (20) and SIGNIN_LINKS_PER_ADDRESS_PER_HOUR (5).
export const SIGN_IN_LIMITS = { windowMs: HOUR_MS } as const;

export type SignInAllowance = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Counts one sign-in request (per client first, so a refused client does not use up an address's links). */
export async function takeSignInAllowance(email: string, client: string): Promise<SignInAllowance> {
  const { windowMs } = SIGN_IN_LIMITS;
  const perClient = getEnv().SIGNIN_LINKS_PER_CLIENT_PER_HOUR;
  const perEmail = getEnv().SIGNIN_LINKS_PER_ADDRESS_PER_HOUR;
  const byClient = await takeRateLimit(`signin:client:${client}`, perClient, windowMs);
  if (!byClient.allowed) return { allowed: false, retryAfterSeconds: byClient.resetSeconds };
  const emailKey = createHash("sha256").update(email.trim().toLowerCase()).digest("hex");
  const byEmail = await takeRateLimit(`signin:email:${emailKey}`, perEmail, windowMs);
  if (!byEmail.allowed) return { allowed: false, retryAfterSeconds: byEmail.resetSeconds };
  return { allowed: true };
}
