import { reportLoopProgress } from "./loops";
import { processSingleton } from "./singleton";

/**
 * The delivery calls (DeliveryBatch ids) this process has claimed and not yet settled. On shutdown, the leases of
 * those still open are given up at once, so another dispatcher takes them over without waiting for them to run out.
 */
const held = processSingleton("held-delivery-leases", () => new Set<string>());

/** A call claimed: also progress of the pass that claimed it (lib/runtime/readiness.ts). */
export function holdLease(batchId: string): void {
  held.add(batchId);
  reportLoopProgress();
}

export function dropLease(batchId: string): void {
  held.delete(batchId);
}

export function heldLeases(): string[] {
  return [...held];
}
