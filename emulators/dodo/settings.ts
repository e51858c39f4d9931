import { z } from "zod";

/**
 * Switches for every point Dodo's public documentation leaves open (see README.md). The defaults are the
 * reading MailKit is built for; flip one to test the app against the other reading. Changeable at runtime through
 * `PATCH /_emulator/dodo/settings` or `emulator.updateSettings()`.
 */
export const settingsSchema = z.object({
  /** A repeated ledger `idempotency_key` with the same body: replay the original 2xx (observed live) or 409 (documented). */
  idempotencyReplay: z.enum(["replay", "conflict"]),
  /** Balance objects (`balance`, `overage`) and subscription `credit_entitlement_cart` amounts: SDK strings, or JSON numbers as seen on the real wire. */
  wireAmounts: z.enum(["strings", "numbers"]),
  /** Which grant a debit consumes first: oldest non-expired (FIFO, documented) or soonest-expiring (a later skill revision). */
  consumptionOrder: z.enum(["fifo", "soonest_expiring"]),
  /** API ledger entries: credit → credit_added / debit → credit_deducted, or both → manual_adjustment. */
  apiEntryTransactionType: z.enum(["credit_added_deducted", "manual_adjustment"]),
  /** Webhook `metadata` of ledger events for API entries: none (docs: API grants carry none) or the request's metadata. */
  apiEntryWebhookMetadata: z.enum(["none", "request"]),
  /** Also send `subscription.renewed` on a subscription's first charge. */
  renewedOnFirstCharge: z.boolean(),
  /** Balance of a customer who was never granted anything: 404 or a zero balance. */
  missingBalance: z.enum(["not_found", "zero"]),
  /** Debit beyond the balance with overage off: 400 and nothing written, or deduct what is there. */
  insufficientDebit: z.enum(["reject", "partial"]),
  /** The `code` of that 400. */
  insufficientCreditsCode: z.string().min(1),
  /** With rollover off, a subscription grant ends at the next renewal (else it lives until its own expires_at). */
  subscriptionGrantEndsAtRenewal: z.boolean(),
  /** An API credit without `expires_at` inherits the entitlement's `expires_after_days` (else it never expires). */
  apiGrantInheritsExpiry: z.boolean(),
  /** Ledger list order. */
  ledgerOrder: z.enum(["newest_first", "oldest_first"]),
  /** Grant list order. */
  grantOrder: z.enum(["oldest_first", "newest_first"]),
  /** `credit.balance_low` fires when the balance goes below the threshold, or at/below it. */
  balanceLowComparison: z.enum(["below", "at_or_below"]),
  /** Once per downward crossing (re-armed at/above the threshold), or on every deduction that ends under it. */
  balanceLowRepeat: z.enum(["once_per_crossing", "every_deduction"]),
  /** Only for customers with a live subscription whose product maps the entitlement with a threshold. */
  balanceLowRequiresSubscription: z.boolean(),
  /** A debit that straddles zero with overage on: a credit_deducted + overage_charged pair, or one entry. */
  overageEntries: z.enum(["split", "single"]),
  /** Send webhooks at all. */
  webhooksEnabled: z.boolean(),
});

export type DodoSettings = z.infer<typeof settingsSchema>;

export const DEFAULT_SETTINGS: DodoSettings = {
  idempotencyReplay: "replay",
  wireAmounts: "strings",
  consumptionOrder: "fifo",
  apiEntryTransactionType: "credit_added_deducted",
  apiEntryWebhookMetadata: "none",
  renewedOnFirstCharge: false,
  missingBalance: "not_found",
  insufficientDebit: "reject",
  insufficientCreditsCode: "INSUFFICIENT_CREDITS",
  subscriptionGrantEndsAtRenewal: true,
  apiGrantInheritsExpiry: false,
  ledgerOrder: "newest_first",
  grantOrder: "oldest_first",
  balanceLowComparison: "below",
  balanceLowRepeat: "once_per_crossing",
  balanceLowRequiresSubscription: true,
  overageEntries: "split",
  webhooksEnabled: true,
};

export const settingsPatchSchema = settingsSchema.partial().strict();
