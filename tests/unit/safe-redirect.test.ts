import { describe, expect, it } from "vitest";

import { safeRedirectPath } from "@/lib/safe-redirect";

describe("safeRedirectPath", () => {
  it("keeps same-site paths with their query and hash", () => {
    expect(safeRedirectPath("/dashboard/billing?ledgerPage=2#top-up")).toBe("/dashboard/billing?ledgerPage=2#top-up");
  });

  it.each([
    "//evil.com",
    "/\\evil.com",
    "/\t/evil.com",
    "https://evil.com",
    "evil.com",
    "",
    undefined,
    42,
    "/\n/evil.com",
  ])("refuses %j", (value) => {
    expect(safeRedirectPath(value)).toBe("/dashboard");
  });
});
