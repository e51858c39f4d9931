/**
 * Billing's interactive transactions wait for a busy pool rather than fail: Prisma's defaults give up after 2 s, which
 * a burst of sends on a small pool exceeds, and a balance check that fails outright would miss its crossing.
 */
export const BILLING_TX = { maxWait: 20_000, timeout: 20_000 };
