import { formatNumber } from "@/lib/format";

/**
 * What MailKit sells, in one place: prices, credits, the low-balance threshold and credit expiry. Pages, emails,
 * `npm run dodo:setup` (through lib/dodo/catalog.ts) and the emulator's test bed all read these numbers.
 */
export const PRODUCT = {
  credits: {
    name: "Email Credits",
    unit: "email",
    /**
     * Each grant expires 31 days after it is given: longer than any month, so a plan's credits never lapse
     * before the next renewal and a top-up bought on renewal day survives the next one. FIFO spends the older
     * grant first, so the overlap never double-counts a cycle.
     */
    expiresAfterDays: 31,
    description: "Each credit sends one email to one recipient.",
  },
  plan: {
    name: "MailKit Plan",
    priceCents: 1900,
    credits: 5000,
    lowBalancePercent: 20,
  },
  /**
   * A pack is an add-on to the plan, never a way around it: it needs a live plan (credit-based products such as
   * Cursor, Lovable and Clay sell extra credits only on top of a plan). So nobody chooses between the two: the plan
   * is how one sends at all, and its subscribers buy packs for busy months at the pack's price set by the product
   * owner ($9, i.e. $1.80 per 1,000 emails), which rewards staying subscribed rather than undercutting the plan.
   */
  topUp: {
    name: "Email Top-Up Pack",
    priceCents: 900,
    credits: 5000,
    requiresPlan: true,
  },
  /** Auto top-up buys packs on the saved payment method; these bound what an owner can ask for. */
  autoTopUp: {
    maxPacks: 10,
    maxMonthlyCap: 50,
    /** Declined charges in a row that turn it off (a failed charge is retried once). */
    failuresToDisable: 3,
  },
  /** A grant with unspent credits this close to expiry gets a warning email (once per grant). */
  expiryWarningDays: 3,
} as const;

/**
 * The cost rule: an email costs one credit per distinct recipient, to, cc and bcc together (lib/mail/recipients.ts
 * decides which addresses are distinct). Admission charges through it and suppression credit-backs refund through
 * it; PRODUCT_COPY.costRule says it in words.
 */
export function creditsForRecipients(distinctRecipients: number): number {
  return distinctRecipients;
}

const usd = (cents: number) => `$${formatNumber(cents / 100, { maximumFractionDigits: 2 })}`;

/** The same facts as sentences, so every page and email words them alike. */
export const PRODUCT_COPY = {
  planPrice: usd(PRODUCT.plan.priceCents),
  topUpPrice: usd(PRODUCT.topUp.priceCents),
  planCredits: formatNumber(PRODUCT.plan.credits),
  topUpCredits: formatNumber(PRODUCT.topUp.credits),
  costRule:
    "Each email costs one credit per distinct recipient across to, cc and bcc (addresses compared case-insensitively).",
  expiry: `Credits expire ${PRODUCT.credits.expiresAfterDays} days after they are added`,
  planSummary: `${formatNumber(PRODUCT.plan.credits)} email credits every billing cycle`,
  topUpSummary: `+${formatNumber(PRODUCT.topUp.credits)} email credits that stack on your plan's credits`,
  lowBalance: `${PRODUCT.plan.lowBalancePercent}%`,
  /** The article before the pack's name ("an Email Top-Up Pack"). */
  aTopUp: `${/^[aeiou]/i.test(PRODUCT.topUp.name) ? "an" : "a"} ${PRODUCT.topUp.name}`,
  pricing: `Packs are add-ons for subscribers: ${perThousand(PRODUCT.topUp)} per 1,000 emails on top of the plan's ${formatNumber(PRODUCT.plan.credits)} a month (${perThousand(PRODUCT.plan)} per 1,000).`,
  /** What a customer with no plan reads wherever credits are short (composer, 402, billing). */
  noPlan: `Subscribe to the ${PRODUCT.plan.name} first: ${usd(PRODUCT.plan.priceCents)} a month for ${formatNumber(PRODUCT.plan.credits)} email credits. Top-up packs are add-ons to the plan.`,
  /** The 402 and the composer when a subscriber has run out. */
  outOfCredits: `No email credits remaining. Buy a top-up pack, or turn on auto top-up so this does not happen again.`,
};

function perThousand(item: { priceCents: number; credits: number }): string {
  const cents = Math.round((item.priceCents * 1000) / item.credits);
  return `$${(cents / 100).toFixed(2)}`;
}
