/**
 * Credit amounts are decimal strings on the wire and fixed-point bigints (units of 10^-precision) inside, so
 * arithmetic is exact. Dodo stores NUMERIC(38,28): the integer part must stay below 10^10.
 */
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
const MAX_INTEGER_DIGITS = 10;

export class AmountError extends Error {}

/** Parses "1500" / "12.5" at the entitlement's precision; throws AmountError with a message for a 422. */
export function parseAmount(value: string, precision: number, field = "amount"): bigint {
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new AmountError(`${field}: invalid decimal \`${value}\``);
  const [, whole = "0", fraction = ""] = match;
  if (whole.replace(/^0+/, "").length >= MAX_INTEGER_DIGITS) {
    throw new AmountError(`${field}: the integer part must be below 10^${MAX_INTEGER_DIGITS}`);
  }
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > precision) {
    throw new AmountError(
      precision === 0
        ? `${field}: \`${value}\` is not an integer (the credit entitlement's precision is 0)`
        : `${field}: \`${value}\` has more than ${precision} decimal places (the credit entitlement's precision)`,
    );
  }
  return BigInt(whole + significant.padEnd(precision, "0"));
}

/** Formats units back to a decimal string with exactly `precision` decimals ("100000" at precision 0). */
export function formatAmount(units: bigint, precision: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(precision + 1, "0");
  const whole = precision === 0 ? digits : digits.slice(0, -precision);
  const fraction = precision === 0 ? "" : `.${digits.slice(-precision)}`;
  return `${negative ? "-" : ""}${whole}${fraction}`;
}

/** Parses a stored (already valid) amount. */
export const units = (value: string, precision: number): bigint =>
  parseAmount(value.replace(/^-/, ""), precision) * (value.startsWith("-") ? -1n : 1n);

export const minBig = (a: bigint, b: bigint): bigint => (a < b ? a : b);
