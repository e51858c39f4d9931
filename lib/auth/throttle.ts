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

/** Set by lib/http/client-address.ts from the TCP socket on every request, overwriting any value a client sent. */
export const SOCKET_ADDRESS_HEADER = "x-mailkit-socket-address";

export type SignInAllowance = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * The client's address: with TRUST_PROXY=N, the address the outermost of MailKit's N proxies saw (the N-th
 * X-Forwarded-For entry from the right — entries further left are the client's own claims); otherwise the socket's.
 */
export function clientAddress(headers: Headers): string {
  const proxies = getEnv().TRUST_PROXY;
  if (proxies > 0) {
    const hops = (headers.get("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    return hops[Math.max(0, hops.length - proxies)] ?? "unknown";
  }
  return headers.get(SOCKET_ADDRESS_HEADER) ?? "unknown";
}

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
