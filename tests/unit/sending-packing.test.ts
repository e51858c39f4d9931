import { describe, expect, it } from "vitest";

import { parseSendEmailBody } from "@/lib/sending/wire-schema";
import { planCalls, type Candidate, type PackLimits } from "@/lib/sending/packing";

const limits: PackLimits = { batchSize: 100, batchByteBudget: 1_000_000, soloEmailBytes: 100_000 };

let sequence = 0;
function candidate(customerId: string, extra: Partial<Candidate> = {}): Candidate {
  sequence++;
  return {
    id: `${customerId}-${sequence}`,
    customerId,
    batchable: true,
    payloadBytes: 500,
    rank: 1,
    createdAt: new Date(sequence),
    ...extra,
  };
}

describe("packing calls", () => {
  it("packs small batchable emails of every customer into one batch, in the fair order given", () => {
    const queue = [candidate("a"), candidate("b"), candidate("a", { rank: 2 })];
    expect(planCalls(queue, limits)).toEqual([{ mode: "batch", sendIds: queue.map((c) => c.id) }]);
  });

  it("keeps a batch within its byte budget and 100 emails", () => {
    const queue = Array.from({ length: 150 }, (_, i) => candidate("a", { rank: i + 1, payloadBytes: 20_000 }));
    const [batch] = planCalls(queue, limits);
    expect(batch!.sendIds).toHaveLength(50); // 50 × 20 kB = the 1 MB budget
    const many = Array.from({ length: 150 }, (_, i) => candidate("a", { rank: i + 1, payloadBytes: 10 }));
    expect(planCalls(many, limits)[0]!.sendIds).toHaveLength(100);
  });

  it("a large email goes alone, never in another customer's batch; the batch goes with it", () => {
    const large = candidate("a", { payloadBytes: 5_000_000 });
    const other = candidate("b");
    expect(planCalls([large, other], limits)).toEqual([
      { mode: "batch", sendIds: [other.id] },
      { mode: "single", sendIds: [large.id], customerId: "a" },
    ]);
  });

  it("customers take turns for single calls, whoever's emails are oldest", () => {
    const burst = Array.from({ length: 10 }, (_, i) => candidate("a", { rank: i + 1, batchable: false }));
    const other = candidate("b", { batchable: false });
    const queue = [burst[0]!, other, ...burst.slice(1)];
    const first = planCalls(queue, limits);
    expect(first).toEqual([{ mode: "single", sendIds: [burst[0]!.id], customerId: "a" }]);
    expect(planCalls(queue.slice(1), limits, "a")).toEqual([{ mode: "single", sendIds: [other.id], customerId: "b" }]);
    // After the last customer in id order, the turn wraps around to the first.
    expect(planCalls(queue.slice(2), limits, "b")[0]!.customerId).toBe("a");
  });
});

describe("scheduled_at", () => {
  const valid = { from: "Acme <hello@acme.test>", to: "ada@example.com", subject: "Hi", html: "<p>Hi</p>" };
  const parse = (scheduled_at: string) => parseSendEmailBody({ ...valid, scheduled_at });

  it.each([
    ["0000-01-01T00:00:00Z", "year 0, which PostgreSQL cannot store"],
    ["1969-12-31T23:59:59Z", "before 1970"],
    [new Date(Date.now() - 3_600_000).toISOString(), "an hour ago"],
  ])("%s (%s) is refused with a message naming the field", (value) => {
    const parsed = parse(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ name: "validation_error" });
    if (!parsed.ok) expect(parsed.error.message).toMatch(/`scheduled_at`.*future/);
  });

  it("a time ahead (or within a minute of the server's clock) is accepted", () => {
    expect(parse(new Date(Date.now() + 3_600_000).toISOString()).ok).toBe(true);
    expect(parse(new Date(Date.now() - 5_000).toISOString()).ok).toBe(true);
  });
});
