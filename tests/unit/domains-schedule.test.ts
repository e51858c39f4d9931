import { describe, expect, it } from "vitest";

import { nextCheckDelayMs, recordStatuses } from "@/lib/domains/schedule";

describe("when a sender domain is polled again", () => {
  it("doubles the interval for every reading that changed nothing: from 10 s to 1 h while Resend checks DNS", () => {
    expect([0, 1, 2, 3].map((n) => nextCheckDelayMs("pending", n))).toEqual([10_000, 20_000, 40_000, 80_000]);
    expect(nextCheckDelayMs("temporary_failure", 0)).toBe(10_000);
    expect(nextCheckDelayMs("pending", 12)).toBe(3600_000);
    expect(nextCheckDelayMs("pending", 10_000)).toBe(3600_000);
  });

  it("polls settled domains (verified, failed, not started) from hourly to daily", () => {
    expect(nextCheckDelayMs("verified", 0)).toBe(3600_000);
    expect(nextCheckDelayMs("failed", 1)).toBe(7200_000);
    expect(nextCheckDelayMs("not_started", 0)).toBe(3600_000);
    expect(nextCheckDelayMs("verified", 40)).toBe(24 * 3600_000);
  });

  it("tells a change in any record's status", () => {
    expect(recordStatuses([{ status: "pending" }, { status: "verified" }])).toBe("pending,verified");
    expect(recordStatuses(null)).toBe("");
    expect(recordStatuses([{ status: "pending" }])).not.toBe(recordStatuses([{ status: "verified" }]));
  });
});
