import { randomBytes } from "node:crypto";

import type { CreditEntitlement } from "dodopayments/resources/credit-entitlements/credit-entitlements";
import type {
  BalanceCreateLedgerEntryResponse,
  BalanceListGrantsResponse,
  CreditLedgerEntry,
  CustomerCreditBalance,
  LedgerEntryType,
} from "dodopayments/resources/credit-entitlements/balances";
import type { CheckoutSessionCreateParams } from "dodopayments/resources/checkout-sessions";
import type { Customer } from "dodopayments/resources/customers/customers";
import type { BillingAddress, IntentStatus, Payment } from "dodopayments/resources/payments";
import type { AttachCreditEntitlement, Product } from "dodopayments/resources/products/products";
import type {
  CancellationFeedback,
  SubscriptionStatus,
  SubscriptionUpdateParams,
  TimeInterval,
} from "dodopayments/resources/subscriptions";
import type { Currency, Metadata } from "dodopayments/resources/misc";

import type { DodoSettings } from "./settings";

/**
 * The emulator's whole state: one JSON document (JsonStore), so a restart loses nothing. Records are SDK
 * types wherever the stored shape is the wire shape; the rest are small records that builders (api-shapes.ts)
 * turn into SDK types, so derived fields (names, balances) are always current.
 */
export type ProductRecord = Omit<Product, "credit_entitlements"> & {
  credit_entitlements: Array<AttachCreditEntitlement & { mapping_id: string }>;
  archived: boolean;
};

export type CheckoutRecord = {
  id: string;
  created_at: string;
  request: CheckoutSessionCreateParams;
  /** open until a successful payment; a declined card leaves it open for another try. */
  status: "open" | "completed";
  payment_id: string | null;
  payment_status: IntentStatus | null;
  customer_id: string | null;
  customer_email: string | null;
  customer_name: string | null;
  subscription_id: string | null;
};

export type SubscriptionRecord = {
  subscription_id: string;
  product_id: string;
  customer_id: string;
  quantity: number;
  status: SubscriptionStatus;
  created_at: string;
  previous_billing_date: string;
  next_billing_date: string;
  cancel_at_next_billing_date: boolean;
  cancelled_at: string | null;
  cancel_reason: SubscriptionUpdateParams["cancel_reason"] | null;
  cancellation_feedback: CancellationFeedback | null;
  cancellation_comment: string | null;
  metadata: Metadata;
  billing: BillingAddress;
  currency: Currency;
  recurring_pre_tax_amount: number;
  payment_frequency_count: number;
  payment_frequency_interval: TimeInterval;
  subscription_period_count: number;
  subscription_period_interval: TimeInterval;
  tax_inclusive: boolean;
  /** Per-subscription credit amounts (the checkout may override the product's), per entitlement. */
  credits: Array<{ credit_entitlement_id: string; credits_amount: string }>;
  payment_method_id: string;
  /** Control plane: the next renewal charge is declined (→ on_hold). */
  fail_next_renewal: boolean;
};

export type GrantRecord = BalanceListGrantsResponse;

export type LedgerRecord = CreditLedgerEntry & {
  entry_type: LedgerEntryType;
  reason: string | null;
  /** "api" entries carry no metadata in webhooks by default (Dodo: API grants carry none). */
  origin: "api" | "system";
};

export type IdempotencyRecord = { fingerprint: string; response: BalanceCreateLedgerEntryResponse };

/** A payment method Dodo saved for a returning customer (the card of a successful checkout). */
export type SavedMethodRecord = {
  payment_method_id: string;
  /** The test card number (the emulator's stand-in for the processor's token). */
  card: string;
  last4: string;
  network: string | null;
  created_at: string;
  last_used_at: string;
};

export type PortalSession = { customer_id: string; return_url: string | null; created_at: string; expires_at: string };

export type DodoState = {
  clockOffsetMs: number;
  settings: Partial<DodoSettings>;
  entitlements: Record<string, CreditEntitlement>;
  products: Record<string, ProductRecord>;
  customers: Record<string, Customer>;
  checkouts: Record<string, CheckoutRecord>;
  payments: Record<string, Payment>;
  subscriptions: Record<string, SubscriptionRecord>;
  /** Keyed by balanceKey(entitlement, customer). */
  balances: Record<string, CustomerCreditBalance>;
  grants: Record<string, GrantRecord[]>;
  ledger: Record<string, LedgerRecord[]>;
  idempotency: Record<string, IdempotencyRecord>;
  portalSessions: Record<string, PortalSession>;
  /** Per customer. */
  savedMethods: Record<string, SavedMethodRecord[]>;
  /** Control plane: how many of the customer's next saved-method charges are declined. */
  declineSavedCharges: Record<string, number>;
};

export const emptyState = (): DodoState => ({
  clockOffsetMs: 0,
  settings: {},
  entitlements: {},
  products: {},
  customers: {},
  checkouts: {},
  payments: {},
  subscriptions: {},
  balances: {},
  grants: {},
  ledger: {},
  idempotency: {},
  portalSessions: {},
  savedMethods: {},
  declineSavedCharges: {},
});

export const balanceKey = (entitlementId: string, customerId: string): string => `${entitlementId}/${customerId}`;

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Dodo-looking ids: a prefix and 21 base62 characters (cus_TV52uJWWXt2yIoBBxpjaa). */
export function newId(prefix: string): string {
  const bytes = randomBytes(21);
  let id = prefix;
  for (const byte of bytes) id += ALPHABET[byte % 62];
  return id;
}

/** Adds calendar months the way billing does (Jan 31 + 1 month → Feb 28/29). */
export function addInterval(iso: string, interval: TimeInterval, count: number): string {
  const date = new Date(iso);
  switch (interval) {
    case "Day":
      date.setUTCDate(date.getUTCDate() + count);
      break;
    case "Week":
      date.setUTCDate(date.getUTCDate() + 7 * count);
      break;
    case "Month":
    case "Year": {
      const months = interval === "Month" ? count : 12 * count;
      const day = date.getUTCDate();
      date.setUTCDate(1);
      date.setUTCMonth(date.getUTCMonth() + months);
      const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
      date.setUTCDate(Math.min(day, lastDay));
      break;
    }
  }
  return date.toISOString();
}

export const addDays = (iso: string, days: number): string =>
  new Date(new Date(iso).getTime() + days * 86_400_000).toISOString();
