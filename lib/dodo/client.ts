import DodoPayments from "dodopayments";

import { getEnv } from "@/lib/env";
import { processLazy } from "@/lib/runtime/singleton";

/**
 * The Dodo Payments SDK client: the emulator in local mode, test_mode or live_mode with keys.
 * Only one of baseURL and environment may be given (the SDK throws "Ambiguous URL" otherwise).
 */
const client = processLazy("dodo-client", () => {
  const { dodo } = getEnv();
  return new DodoPayments({
    bearerToken: dodo.apiKey,
    webhookKey: dodo.webhookKey,
    ...(dodo.baseURL ? { baseURL: dodo.baseURL } : { environment: dodo.environment }),
    timeout: 20_000,
  });
});

export const getDodo = (): DodoPayments => client.get();

/** Tests point the SDK elsewhere between files. */
export const resetDodoForTests = (): void => client.reset();

/** Dodo answers some amounts as strings and (on the real wire) some as numbers: accept both, exactly. */
export function toCredits(value: string | number | null | undefined): number {
  if (value === null || value === undefined || value === "") return 0;
  const big = BigInt(String(value).split(".")[0]!);
  return Number(big);
}

/**
 * Dodo's 404 (e.g. the balance of a customer never granted anything: a normal state, not an error). Checked by
 * status as well as class: a bundler can load the SDK's error classes twice, and then instanceof fails.
 */
export function isNotFound(error: unknown): boolean {
  return (
    error instanceof DodoPayments.NotFoundError ||
    (error instanceof Error && (error as { status?: unknown }).status === 404)
  );
}
