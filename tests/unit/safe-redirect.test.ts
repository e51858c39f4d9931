import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { safeRedirectPath } from "@/lib/net/safe-redirect";

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

describe("safeRedirectPath normalises before it checks", () => {
  it.each(["/.//evil.com", "/..//x", "/%2e//x", "/%2E%2E//x", "/a/..//x", "/a/b/../..//x", "/./\u0000/x"])(
    "never answers a protocol-relative path for %j",
    (value) => {
      const path = safeRedirectPath(value);
      expect(path.startsWith("//")).toBe(false);
      expect(new URL(path, "http://mailkit.invalid").origin).toBe("http://mailkit.invalid");
    },
  );

  it("keeps what normalisation leaves same-site", () => {
    expect(safeRedirectPath("/a/../dashboard/./billing?x=1")).toBe("/dashboard/billing?x=1");
  });

  it("answers only same-origin paths that a browser resolves to themselves (property)", () => {
    const segment = fc.constantFrom("", ".", "..", "%2e", "%2E", "%2e%2e", "a", "evil.com", "%2F", "%5C", "@", "?", "#");
    const path = fc.array(segment, { maxLength: 8 }).map((parts) => "/" + parts.join("/"));
    fc.assert(
      fc.property(fc.oneof(path, fc.string(), fc.string().map((s) => "/" + s)), (value) => {
        const result = safeRedirectPath(value);
        expect(result.startsWith("/") && !result.startsWith("//")).toBe(true);
        expect(/[\\\s]/.test(result)).toBe(false);
        const resolved = new URL(result, "http://mailkit.invalid");
        expect(resolved.origin).toBe("http://mailkit.invalid");
        expect(resolved.pathname + resolved.search + resolved.hash).toBe(result);
      }),
      { numRuns: 2000 },
    );
  });
});
