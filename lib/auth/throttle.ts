import { createHash } from "node:crypto";

import { takeRateLimit } from "@/lib/rate-limit";
import { getEnv } from "@/lib/env";
import { clientNetwork } from "@/lib/net/client-network";

import { normaliseSignInEmail } from "./identifier";

/**
 * Sign-in links cost a paid email from the operator's domain, so they are throttled per email address and per
 * client, in the database (every instance shares the counts). The address is keyed exactly as Auth.js sends to it
 * (lib/auth/identifier.ts); the client by its network (an IPv6 client by its /64).
 */

const HOUR_MS = 60 * 60 * 1000;
// Per client and per address: SIGNIN_LINKS_PER_CLIENT_PER_HOUR (20) and SIGNIN_LINKS_PER_ADDRESS_PER_HOUR (5).
export const SIGN_IN_LIMITS = { windowMs: HOUR_MS } as const;

export type SignInAllowance =
  | { allowed: true; email: string }
  | { allowed: false; reason: "rate_limited"; retryAfterSeconds: number }
  | { allowed: false; reason: "invalid_email" };

/**
 * Counts one sign-in request (per client first, so a refused client does not use up an address's links). An
 * address Auth.js could not take as it is is refused before anything is counted; an allowed one comes back in
 * the form to hand to Auth.js.
 */
export async function takeSignInAllowance(value: string, client: string): Promise<SignInAllowance> {
  const email = normaliseSignInEmail(value);
  if (!email) return { allowed: false, reason: "invalid_email" };
  const { windowMs } = SIGN_IN_LIMITS;
  const perClient = getEnv().SIGNIN_LINKS_PER_CLIENT_PER_HOUR;
  const perEmail = getEnv().SIGNIN_LINKS_PER_ADDRESS_PER_HOUR;
  const byClient = await takeRateLimit(`signin:client:${clientNetwork(client)}`, perClient, windowMs);
  if (!byClient.allowed) return { allowed: false, reason: "rate_limited", retryAfterSeconds: byClient.resetSeconds };
  const emailKey = createHash("sha256").update(email).digest("hex");
  const byEmail = await takeRateLimit(`signin:email:${emailKey}`, perEmail, windowMs);
  if (!byEmail.allowed) return { allowed: false, reason: "rate_limited", retryAfterSeconds: byEmail.resetSeconds };
  return { allowed: true, email };
}
