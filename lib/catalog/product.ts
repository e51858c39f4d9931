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
  topUp: {
    name: "Email Top-Up Pack",
    priceCents: 900,
    credits: 5000,
  },
} as const;

const usd = (cents: number) => `$${(cents / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}`;
const count = (n: number) => n.toLocaleString("en-US");

/** The same facts as sentences, so every page and email words them alike. */
export const PRODUCT_COPY = {
  planPrice: usd(PRODUCT.plan.priceCents),
  topUpPrice: usd(PRODUCT.topUp.priceCents),
  planCredits: count(PRODUCT.plan.credits),
  topUpCredits: count(PRODUCT.topUp.credits),
  expiry: `Credits expire ${PRODUCT.credits.expiresAfterDays} days after they are added`,
  planSummary: `${count(PRODUCT.plan.credits)} email credits every billing cycle`,
  topUpSummary: `+${count(PRODUCT.topUp.credits)} email credits that stack on your plan's credits`,
  lowBalance: `${PRODUCT.plan.lowBalancePercent}%`,
};
