import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { STATUS_ORDER, statusAfter, supersedes } from "@/lib/mail/status-order";

const t = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);

describe("the one status order", () => {
  it("at equal times the higher rank wins; a delivery outcome is never replaced by progress", () => {
    expect(supersedes({ status: "sent", at: t(0) }, { status: "delivered", at: t(0) })).toBe(false);
    expect(supersedes({ status: "delivered", at: t(0) }, { status: "sent", at: t(0) })).toBe(true);
    expect(supersedes({ status: "delivery_delayed", at: t(9) }, { status: "delivered", at: t(0) })).toBe(false);
    expect(supersedes({ status: "complained", at: t(5) }, { status: "delivered", at: t(0) })).toBe(true);
    expect(supersedes({ status: "delivered", at: t(0) }, { status: "delivery_delayed", at: t(5) })).toBe(true);
    expect(supersedes({ status: "sent", at: t(0) }, { status: "sent", at: null })).toBe(true);
  });

  it("the final status does not depend on the order events arrive in (property)", () => {
    const event = fc.record({ status: fc.constantFrom(...STATUS_ORDER), at: fc.integer({ min: 0, max: 3 }).map(t) });
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.nat()), (events, seeds) => {
        const shuffled = [...events].sort(() => (seeds.next().value % 3) - 1);
        const start = { status: "sent", at: null };
        const a = statusAfter(start, events);
        const b = statusAfter(start, shuffled);
        expect(b.status).toBe(a.status);
        expect(b.at?.getTime()).toBe(a.at?.getTime());
      }),
      { numRuns: 1000 },
    );
  });
});
