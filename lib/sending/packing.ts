import type { CallMode } from "./provider";

/**
 * Which Resend calls to make next, from the queue's fair candidates (each customer's oldest sends ranked 1, 2, 3 …,
 * ordered rank first). Pure: the dispatcher reads the candidates and records the calls planned here.
 *
 * - A batch takes the small batchable candidates in that order, within Resend's 100 emails and a byte budget.
 * - An email that cannot go in a batch (attachments, a schedule, a call refused as a whole) or is large goes
 *   alone, so a large email never shares a call with another customer's. Customers take turns for these
 *   single calls (round-robin by customer id), and whenever one goes, the batch for everyone else's waiting
 *   emails goes with it: one customer's 10,000 attachments never hold back another customer's email.
 */

export type Candidate = {
  id: string;
  customerId: string;
  batchable: boolean;
  payloadBytes: number;
  rank: number;
  createdAt: Date;
};

export type PackLimits = { batchSize: number; batchByteBudget: number; soloEmailBytes: number };

export type PlannedCall = { mode: CallMode; sendIds: string[]; customerId?: string };

export function goesAlone(candidate: Candidate, limits: PackLimits): boolean {
  return !candidate.batchable || candidate.payloadBytes > Math.min(limits.soloEmailBytes, limits.batchByteBudget);
}

/**
 * Plans up to two calls: the batch (if any email can go in one) and one single call for the customer whose turn
 * it is after `lastSingleCustomer`. The single call's customer is returned on it, to become the next cursor.
 */
export function planCalls(candidates: Candidate[], limits: PackLimits, lastSingleCustomer?: string): PlannedCall[] {
  const calls: PlannedCall[] = [];
  const batch: string[] = [];
  let bytes = 0;
  for (const candidate of candidates) {
    if (batch.length >= limits.batchSize) break;
    if (goesAlone(candidate, limits) || bytes + candidate.payloadBytes > limits.batchByteBudget) continue;
    batch.push(candidate.id);
    bytes += candidate.payloadBytes;
  }
  if (batch.length) calls.push({ mode: "batch", sendIds: batch });

  const single = nextSingle(candidates, limits, lastSingleCustomer);
  if (single) calls.push({ mode: "single", sendIds: [single.id], customerId: single.customerId });
  return calls;
}

/** The first lone email of the next customer (by id, wrapping around) after the one served last. */
function nextSingle(candidates: Candidate[], limits: PackLimits, lastCustomer?: string): Candidate | undefined {
  const firstByCustomer = new Map<string, Candidate>();
  for (const candidate of candidates) {
    if (goesAlone(candidate, limits) && !firstByCustomer.has(candidate.customerId))
      firstByCustomer.set(candidate.customerId, candidate);
  }
  if (firstByCustomer.size === 0) return undefined;
  const customers = [...firstByCustomer.keys()].sort();
  const next = customers.find((c) => lastCustomer === undefined || c > lastCustomer) ?? customers[0]!;
  return firstByCustomer.get(next);
}
