import type { BillingAddress } from "dodopayments/resources/payments";

/**
 * Tax as a merchant of record charges it: Dodo adds the VAT/GST of the buyer's billing country to a tax-exclusive
 * price (or carves it out of a tax-inclusive one) and reports it as the payment's `tax`, in the currency's smallest
 * unit. The rates are the standard rates of the countries the hosted checkout offers (a stand-in for Dodo's tax
 * engine, which knows every jurisdiction); the emulator charges no US sales tax.
 */
const STANDARD_RATES_PERCENT: Record<string, number> = { GB: 20, DE: 19, FR: 20, IN: 18, CA: 5, AU: 10, US: 0 };

export function taxRatePercent(billing: Pick<BillingAddress, "country">): number {
  return STANDARD_RATES_PERCENT[billing.country] ?? 0;
}

/** The tax on `amount` (minor units) and the total charged. */
export function applyTax(
  amount: number,
  billing: Pick<BillingAddress, "country">,
  taxInclusive: boolean,
): { tax: number; total: number } {
  const rate = taxRatePercent(billing);
  if (taxInclusive) {
    const tax = Math.round(amount - (amount * 100) / (100 + rate));
    return { tax, total: amount };
  }
  const tax = Math.round((amount * rate) / 100);
  return { tax, total: amount + tax };
}
