import { describe, expect, it } from "vitest";

import { describeLedgerEntry } from "@/lib/billing/overview";
import { nextExpiringGrant } from "@/lib/billing/runway";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import { debitReason } from "@/lib/credits/debits";
import { creditBackReason } from "@/lib/suppressions/credit-back";

const entry = (over: Partial<Parameters<typeof describeLedgerEntry>[0]>) => ({
  transaction_type: "credit_added" as const,
  description: null,
  reference_type: null,
  metadata: {},
  ...over,
});

describe("credit history wording", () => {
  it("names the product instead of Dodo's 'OneTime payment'", () => {
    const pack = entry({ description: "Credits granted for OneTime payment", reference_type: "payment" });
    expect(describeLedgerEntry(pack)).toBe(PRODUCT.topUp.name);
    expect(describeLedgerEntry({ ...pack, metadata: { mailkit_checkout: "auto_top_up" } })).toBe(
      `${PRODUCT.topUp.name} (auto top-up)`,
    );
    expect(describeLedgerEntry(entry({ reference_type: "subscription" }))).toBe(`${PRODUCT.plan.name} credits`);
  });

  it("says how many emails a debit covered, without MailKit's internal debit id", () => {
    const id = "0b5e3a4c-1f2d-4e5f-9a8b-7c6d5e4f3a2b";
    const debit = entry({
      transaction_type: "credit_deducted",
      description: debitReason({ id, emails: 3, credits: 4 }),
    });
    expect(describeLedgerEntry(debit)).toBe("3 emails sent");
    const back = entry({
      transaction_type: "credit_added",
      description: creditBackReason({ sendId: id, credits: 1, reason: "bounced" }),
    });
    expect(describeLedgerEntry(back)).not.toContain(id);
  });

  it("keeps Dodo's words for everything else", () => {
    expect(describeLedgerEntry(entry({ transaction_type: "credit_expired", description: "Credits expired" }))).toBe(
      "Credits expired",
    );
  });
});

describe("catalog copy", () => {
  it("uses the right article before the pack's name", () => {
    expect(PRODUCT_COPY.aTopUp).toBe(`an ${PRODUCT.topUp.name}`);
  });

  it("states both prices per 1,000 emails and that packs are for subscribers", () => {
    expect(PRODUCT.topUp.requiresPlan).toBe(true);
    expect(PRODUCT_COPY.pricing).toContain("$1.80 per 1,000");
    expect(PRODUCT_COPY.pricing).toContain("$3.80 per 1,000");
    expect(PRODUCT_COPY.pricing).toMatch(/add-ons for subscribers/);
  });
});

describe("next expiring grant", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  const grant = (id: string, remaining: number, expiresAt: string | null) => ({
    id,
    source: "one_time",
    initial: 5000,
    remaining,
    createdAt: now,
    expiresAt: expiresAt ? new Date(expiresAt) : null,
  });

  it("is the soonest grant with credits left that has not expired yet", () => {
    const grants = [
      grant("later", 10, "2026-12-30T00:00:00Z"),
      grant("spent", 0, "2026-12-07T00:00:00Z"),
      grant("soon", 1200, "2026-12-12T00:00:00Z"),
      grant("never", 5, null),
      grant("past", 5, "2026-12-01T00:00:00Z"),
    ];
    expect(nextExpiringGrant(grants, now)?.id).toBe("soon");
    expect(nextExpiringGrant([grant("never", 5, null)], now)).toBeNull();
  });
});

describe("the 402's words", () => {
  it("tells a customer without a plan to subscribe first, and a subscriber to top up", async () => {
    const { toApiError } = await import("@/lib/http/public-errors");
    const { InsufficientCreditsError } = await import("@/lib/sending/errors");
    expect((toApiError(new InsufficientCreditsError(1, 0, false)) as Error).message).toBe(PRODUCT_COPY.noPlan);
    expect((toApiError(new InsufficientCreditsError(1, 0, true)) as Error).message).toBe(PRODUCT_COPY.outOfCredits);
    expect(PRODUCT_COPY.noPlan).not.toMatch(/upgrade/);
  });
});
