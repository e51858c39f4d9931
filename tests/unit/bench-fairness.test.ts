import { describe, expect, it } from "vitest";

import { weightedOrder } from "@/scripts/bench/batch-load";
import { deliveryShares, type Answer, type Delivery } from "@/scripts/bench/fairness";

/**
 * X, Y and Z each queue `queued[i]` emails (at `acceptedAt[i]`, t=0 by default); Resend then takes 100 emails every
 * 200 ms, the first call at t=100, as `pick` packs them.
 */
function scenario(
  queued: number[],
  pick: (call: number, left: number[]) => number[],
  { acceptedAt = [0, 0, 0], packLeadMs = 0 }: { acceptedAt?: number[]; packLeadMs?: number } = {},
) {
  const labels = ["X", "Y", "Z"];
  const answers: Answer[] = labels.map((customer, i) => ({ at: acceptedAt[i]!, customer, emails: queued[i]! }));
  const left = [...queued];
  const deliveries: Delivery[] = [];
  for (let call = 0, t = 100; left.some((n) => n > 0); call++, t += 200) {
    const take = pick(call, left); // emails of each customer in this call
    take.forEach((n, i) => {
      left[i]! -= n;
      for (let k = 0; k < n; k++) deliveries.push({ at: t, customer: labels[i]! });
    });
  }
  return deliveryShares({
    customers: labels,
    answers,
    deliveries,
    windowEmails: 500,
    minBacklog: 100,
    tolerance: 0.1,
    packLeadMs,
  });
}

describe("the benchmark's fairness measure", () => {
  it("finds equal shares fair while several customers wait, whatever each queued", () => {
    // Fair packing: each call splits 100 emails equally among the customers that still have some.
    const fair = scenario([6000, 4000, 2000], (_, left) => {
      const share = Math.floor(100 / left.filter((n) => n > 0).length);
      return left.map((n) => Math.min(n, share * (n > 0 ? 1 : 0)));
    });
    expect(fair.contended.length).toBeGreaterThan(5);
    expect(fair.fair).toBe(fair.contended.length);
    expect(fair.worst!.deviation).toBeLessThanOrEqual(0.1);
  });

  it("flags a dispatcher that serves customers in proportion to what they queued", () => {
    // Arrival order: each call takes 50 of X, 33 of Y and 17 of Z while all three wait.
    const proportional = scenario([6000, 4000, 2000], (_, left) => left.map((n, i) => Math.min(n, [50, 33, 17][i]!)));
    expect(proportional.contended.length).toBeGreaterThan(5);
    expect(proportional.fair).toBe(0);
    expect(proportional.worst!.deviation).toBeGreaterThan(0.4);
  });

  it("leaves out a customer that is not waiting", () => {
    const result = scenario([6000, 4000, 50], (_, left) => left.map((n) => Math.min(n, 33)));
    for (const window of result.contended) expect(window.waiting).not.toContain("Z");
  });

  it("counts a customer as waiting from when the window's first call was packed", () => {
    // X's and Y's emails were accepted long before; Z's at t=80, after the first call (at Resend at t=100) was
    // packed with X and Y alone. From then on every call splits equally among the three.
    const pick = (call: number, left: number[]) =>
      call === 0 ? [50, 50, 0] : left.map((n, i) => Math.min(n, [34, 33, 33][i]!));
    const options = { acceptedAt: [-1000, -1000, 80] };
    const atArrival = scenario([6000, 4000, 2000], pick, options);
    expect(atArrival.contended[0]!.waiting).toEqual(["X", "Y", "Z"]);
    expect(atArrival.fair).toBe(atArrival.contended.length - 1);
    const atPacking = scenario([6000, 4000, 2000], pick, { ...options, packLeadMs: 230 });
    expect(atPacking.contended[0]!.waiting).toEqual(["X", "Y"]);
    expect(atPacking.fair).toBe(atPacking.contended.length);
  });

  it("interleaves the batch customers by weight", () => {
    const order = weightedOrder([3, 2, 1], 12);
    expect(order.filter((c) => c === 0)).toHaveLength(6);
    expect(order.filter((c) => c === 1)).toHaveLength(4);
    expect(order.filter((c) => c === 2)).toHaveLength(2);
    expect(order.slice(0, 6)).toEqual([0, 1, 0, 2, 1, 0]);
  });
});
