import { describe, expect, it } from "vitest";

import { creditsForRecipients, PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import { formatCount, formatNumber } from "@/lib/format";

describe("the one number formatter", () => {
  it("groups digits the same way on every server, with fraction digits on request", () => {
    expect(formatNumber(1234567)).toBe("1,234,567");
    expect(formatNumber(12.345, { maximumFractionDigits: 1 })).toBe("12.3");
    expect(formatNumber(19, { maximumFractionDigits: 2 })).toBe("19");
  });

  it("says a count with its noun, plural unless it is one", () => {
    expect(formatCount(1, "email")).toBe("1 email");
    expect(formatCount(0, "credit")).toBe("0 credits");
    expect(formatCount(2500, "recipient")).toBe("2,500 recipients");
  });

  it("words the catalog's prices and credits through it", () => {
    expect(PRODUCT_COPY.planPrice).toBe(`$${formatNumber(PRODUCT.plan.priceCents / 100)}`);
    expect(PRODUCT_COPY.planCredits).toBe(formatNumber(PRODUCT.plan.credits));
  });
});

describe("the cost rule", () => {
  it("charges one credit per distinct recipient, and says so in the copy", () => {
    expect([0, 1, 3, 50].map(creditsForRecipients)).toEqual([0, 1, 3, 50]);
    expect(PRODUCT_COPY.costRule).toMatch(/one credit per distinct recipient/);
  });
});
