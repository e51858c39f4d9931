import type { CreditEntitlement } from "dodopayments/resources/credit-entitlements/credit-entitlements";
import type { CustomerCreditBalance, LedgerEntryType } from "dodopayments/resources/credit-entitlements/balances";
import type { Metadata } from "dodopayments/resources/misc";
import type { AttachCreditEntitlement } from "dodopayments/resources/products/products";

import { formatAmount, minBig, units } from "./amounts";
import type { DodoEngine } from "./engine";
import { ApiError, badRequest } from "./errors";
import { toLedgerEntry } from "./shapes";
import {
  addDays,
  addInterval,
  balanceKey,
  newId,
  type GrantRecord,
  type LedgerRecord,
  type SubscriptionRecord,
} from "./state";
import { LEDGER_EVENT } from "./webhook-payloads";

/**
 * The credit engine: grants, the ledger and the balance of one (entitlement, customer) pair.
 * Invariant: balance = Σ remaining_amount of the active grants; overage is a separate counter and never makes
 * the balance negative. Every change writes one ledger entry and fires its `credit.*` webhook.
 */

type TransactionType = LedgerRecord["transaction_type"];
type Mapping = AttachCreditEntitlement;

/** The entitlement's settings with a product mapping's overrides applied. */
export type CreditConfig = {
  precision: number;
  expiresAfterDays: number | null;
  rolloverEnabled: boolean;
  rolloverPercentage: number | null;
  maxRolloverCount: number | null;
  rolloverTimeframe: { count: number; interval: NonNullable<CreditEntitlement["rollover_timeframe_interval"]> } | null;
  overageEnabled: boolean;
  overageLimit: bigint | null;
  overageBehavior: CreditEntitlement["overage_behavior"];
};

export function creditConfig(e: CreditEntitlement, m?: Mapping | null): CreditConfig {
  const count = m?.rollover_timeframe_count ?? e.rollover_timeframe_count ?? null;
  const interval = m?.rollover_timeframe_interval ?? e.rollover_timeframe_interval ?? null;
  const limit = m?.overage_limit ?? (e.overage_limit != null ? String(e.overage_limit) : null);
  return {
    precision: e.precision,
    expiresAfterDays: m?.expires_after_days ?? e.expires_after_days ?? null,
    rolloverEnabled: m?.rollover_enabled ?? e.rollover_enabled,
    rolloverPercentage: m?.rollover_percentage ?? e.rollover_percentage ?? null,
    maxRolloverCount: m?.max_rollover_count ?? e.max_rollover_count ?? null,
    rolloverTimeframe: count != null && interval != null ? { count, interval } : null,
    overageEnabled: m?.overage_enabled ?? e.overage_enabled,
    overageLimit: limit != null ? units(limit, e.precision) : null,
    overageBehavior: m?.overage_behavior ?? e.overage_behavior,
  };
}

const LIVE_STATUSES = new Set(["active", "on_hold", "past_due", "paused"]);

/** The customer's newest subscription whose product maps this entitlement (live ones only unless `anyStatus`). */
export function subscriptionFor(
  engine: DodoEngine,
  customerId: string,
  entitlementId: string,
  anyStatus = false,
): { subscription: SubscriptionRecord; mapping: Mapping; creditsAmount: string } | undefined {
  const subs = Object.values(engine.state.subscriptions).filter(
    (s) => s.customer_id === customerId && (anyStatus || LIVE_STATUSES.has(s.status)),
  );
  for (let i = subs.length - 1; i >= 0; i--) {
    const subscription = subs[i]!;
    const mapping = engine.state.products[subscription.product_id]?.credit_entitlements.find(
      (m) => m.credit_entitlement_id === entitlementId,
    );
    const line = subscription.credits.find((c) => c.credit_entitlement_id === entitlementId);
    if (mapping && line) return { subscription, mapping, creditsAmount: line.credits_amount };
  }
  return undefined;
}

export function balanceOf(
  engine: DodoEngine,
  entitlementId: string,
  customerId: string,
): CustomerCreditBalance | undefined {
  return engine.state.balances[balanceKey(entitlementId, customerId)];
}

function ensureBalance(engine: DodoEngine, entitlementId: string, customerId: string): CustomerCreditBalance {
  const key = balanceKey(entitlementId, customerId);
  let balance = engine.state.balances[key];
  if (!balance) {
    const now = engine.nowIso();
    balance = {
      id: newId("cdb_"),
      balance: formatAmount(0n, engine.state.entitlements[entitlementId]?.precision ?? 0),
      overage: formatAmount(0n, engine.state.entitlements[entitlementId]?.precision ?? 0),
      created_at: now,
      updated_at: now,
      credit_entitlement_id: entitlementId,
      customer_id: customerId,
      last_transaction_at: null,
    };
    engine.state.balances[key] = balance;
    engine.state.grants[key] = [];
    engine.state.ledger[key] = [];
  }
  return balance;
}

type EntryInput = {
  entitlement: CreditEntitlement;
  customerId: string;
  transactionType: TransactionType;
  entryType: LedgerEntryType;
  amount: bigint;
  balanceDelta: bigint;
  overageDelta: bigint;
  grantId: string | null;
  description: string;
  metadata: Metadata;
  referenceType?: string | null;
  referenceId?: string | null;
  reason?: string | null;
  origin: "api" | "system";
};

/** Writes one ledger entry, moves the balance, fires the matching `credit.*` webhook. */
function writeEntry(engine: DodoEngine, input: EntryInput): LedgerRecord {
  const { entitlement: e, customerId } = input;
  const p = e.precision;
  const balance = ensureBalance(engine, e.id, customerId);
  const before = units(balance.balance, p);
  const overageBefore = units(balance.overage, p);
  const now = engine.nowIso();
  balance.balance = formatAmount(before + input.balanceDelta, p);
  balance.overage = formatAmount(overageBefore + input.overageDelta, p);
  balance.updated_at = now;
  balance.last_transaction_at = now;
  const entry: LedgerRecord = {
    id: newId("cdl_"),
    amount: formatAmount(input.amount, p),
    balance_before: formatAmount(before, p),
    balance_after: balance.balance,
    overage_before: formatAmount(overageBefore, p),
    overage_after: balance.overage,
    brand_id: engine.config.brandId,
    business_id: engine.config.businessId,
    created_at: now,
    credit_entitlement_id: e.id,
    customer_id: customerId,
    is_credit: input.entryType === "credit",
    metadata: input.metadata,
    transaction_type: input.transactionType,
    description: input.description,
    grant_id: input.grantId,
    reference_id: input.referenceId ?? null,
    reference_type: input.referenceType ?? null,
    entry_type: input.entryType,
    reason: input.reason ?? null,
    origin: input.origin,
  };
  engine.state.ledger[balanceKey(e.id, customerId)]!.push(entry);
  engine.save();
  const webhookMetadata =
    entry.origin === "api" && engine.settings.apiEntryWebhookMetadata === "none" ? {} : entry.metadata;
  engine.emit(LEDGER_EVENT[entry.transaction_type], {
    ...toLedgerEntry(entry),
    metadata: webhookMetadata,
    payload_type: "CreditLedgerEntry",
  });
  return entry;
}

const isActive = (g: GrantRecord): boolean => !g.is_expired && !g.is_rolled_over && !/^[0.]*$/.test(g.remaining_amount);

/** Expires every grant of this balance whose `expires_at` has passed (`credit_expired` for what was left). */
export function expireDue(engine: DodoEngine, entitlementId: string, customerId: string): void {
  const grants = engine.state.grants[balanceKey(entitlementId, customerId)];
  const e = engine.state.entitlements[entitlementId];
  if (!grants || !e) return;
  const now = engine.nowMs();
  for (const g of grants) {
    if (g.is_expired || !g.expires_at || Date.parse(g.expires_at) > now) continue;
    expireGrant(engine, e, g, "Credits expired");
  }
}

function expireGrant(engine: DodoEngine, e: CreditEntitlement, g: GrantRecord, description: string): void {
  const remaining = units(g.remaining_amount, e.precision);
  g.is_expired = true;
  g.remaining_amount = formatAmount(0n, e.precision);
  g.updated_at = engine.nowIso();
  if (remaining <= 0n) return engine.save();
  writeEntry(engine, {
    entitlement: e,
    customerId: g.customer_id,
    transactionType: "credit_expired",
    entryType: "debit",
    amount: remaining,
    balanceDelta: -remaining,
    overageDelta: 0n,
    grantId: g.id,
    description,
    metadata: g.metadata ?? {},
    ...grantReference(g),
    origin: "system",
  });
}

/** Sweeps every balance (a timer and clock moves call this, so expiries fire without a read). */
export function expireAllDue(engine: DodoEngine): void {
  for (const b of Object.values(engine.state.balances)) expireDue(engine, b.credit_entitlement_id, b.customer_id);
}

function grantReference(g: GrantRecord): { referenceType: string | null; referenceId: string | null } {
  if (g.source_type === "subscription" || g.source_type === "rollover")
    return { referenceType: "subscription", referenceId: g.source_id ?? null };
  if (g.source_type === "one_time" || g.source_type === "addon")
    return { referenceType: "payment", referenceId: g.source_id ?? null };
  return { referenceType: null, referenceId: null };
}

export type CreditInput = {
  entitlement: CreditEntitlement;
  customerId: string;
  amount: bigint;
  sourceType: GrantRecord["source_type"];
  sourceId: string | null;
  expiresAt: string | null;
  /** Instead of expiresAt: expiry counted from the grant's own created_at (null = never). */
  expiresAfterDays?: number | null;
  /** The grant's metadata: the subscription's or checkout's; none for API grants. */
  grantMetadata: Metadata | null;
  entryMetadata: Metadata;
  transactionType: TransactionType;
  description: string;
  reason?: string | null;
  origin: "api" | "system";
  parentGrantId?: string | null;
  rolloverCount?: number;
  overageBehavior?: CreditConfig["overageBehavior"];
};

/** Creates a grant and its ledger entry. With `carry_deficit_auto_repay`, the grant first repays overage. */
export function grant(engine: DodoEngine, input: CreditInput): { grant: GrantRecord; entry: LedgerRecord } {
  const e = input.entitlement;
  const balance = ensureBalance(engine, e.id, input.customerId);
  const overage = units(balance.overage, e.precision);
  const repay =
    (input.overageBehavior ?? e.overage_behavior) === "carry_deficit_auto_repay" ? minBig(overage, input.amount) : 0n;
  const now = engine.nowIso();
  const record: GrantRecord = {
    id: newId("cdg_"),
    created_at: now,
    updated_at: now,
    credit_entitlement_id: e.id,
    customer_id: input.customerId,
    initial_amount: formatAmount(input.amount, e.precision),
    remaining_amount: formatAmount(input.amount - repay, e.precision),
    is_expired: false,
    is_rolled_over: false,
    rollover_count: input.rolloverCount ?? 0,
    source_type: input.sourceType,
    source_id: input.sourceId,
    parent_grant_id: input.parentGrantId ?? null,
    expires_at: input.expiresAfterDays != null ? addDays(now, input.expiresAfterDays) : input.expiresAt,
    metadata: input.grantMetadata,
  };
  engine.state.grants[balanceKey(e.id, input.customerId)]!.push(record);
  const entry = writeEntry(engine, {
    entitlement: e,
    customerId: input.customerId,
    transactionType: input.transactionType,
    entryType: "credit",
    amount: input.amount,
    balanceDelta: input.amount - repay,
    overageDelta: -repay,
    grantId: record.id,
    description: input.description,
    metadata: input.entryMetadata,
    ...grantReference(record),
    reason: input.reason,
    origin: input.origin,
  });
  return { grant: record, entry };
}

export type DebitInput = {
  entitlement: CreditEntitlement;
  customerId: string;
  amount: bigint;
  transactionType: TransactionType;
  description: string;
  metadata: Metadata;
  reason?: string | null;
  origin: "api" | "system";
};

/**
 * Deducts credits from the active grants (FIFO by created_at, or soonest-expiring first), all or nothing.
 * Beyond the balance: 400 with overage off; overage up to its limit with overage on. Returns the entry the
 * API answers with (the deduction, or the overage charge when nothing was left).
 */
export function debit(engine: DodoEngine, input: DebitInput): LedgerRecord {
  const e = input.entitlement;
  const key = balanceKey(e.id, input.customerId);
  expireDue(engine, e.id, input.customerId);
  const live = subscriptionFor(engine, input.customerId, e.id);
  const config = creditConfig(e, live?.mapping);
  const grants = (engine.state.grants[key] ?? []).filter(isActive);
  const available = grants.reduce((sum, g) => sum + units(g.remaining_amount, e.precision), 0n);
  const overage = units(engine.state.balances[key]?.overage ?? "0", e.precision);

  let fromBalance = input.amount;
  let toOverage = 0n;
  if (input.amount > available) {
    if (config.overageEnabled) {
      fromBalance = available;
      toOverage = input.amount - available;
      if (config.overageLimit !== null && overage + toOverage > config.overageLimit) {
        throw new ApiError(
          400,
          "OVERAGE_LIMIT_REACHED",
          `Overage limit reached: ${formatAmount(config.overageLimit - overage, e.precision)} ${e.unit} of headroom left`,
        );
      }
    } else if (engine.settings.insufficientDebit === "partial" && available > 0n) {
      fromBalance = available;
    } else {
      throw badRequest(
        engine.settings.insufficientCreditsCode,
        `Insufficient credits: the balance is ${formatAmount(available, e.precision)}, the debit is ${formatAmount(input.amount, e.precision)}`,
      );
    }
  }

  const order = engine.settings.consumptionOrder;
  grants.sort((a, b) => {
    if (order === "soonest_expiring") {
      const ax = a.expires_at ? Date.parse(a.expires_at) : Infinity;
      const bx = b.expires_at ? Date.parse(b.expires_at) : Infinity;
      if (ax !== bx) return ax - bx;
    }
    return a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1;
  });
  let left = fromBalance;
  const touched: string[] = [];
  for (const g of grants) {
    if (left === 0n) break;
    const remaining = units(g.remaining_amount, e.precision);
    const take = minBig(remaining, left);
    g.remaining_amount = formatAmount(remaining - take, e.precision);
    g.updated_at = engine.nowIso();
    left -= take;
    touched.push(g.id);
  }

  const base = {
    entitlement: e,
    customerId: input.customerId,
    entryType: "debit" as const,
    description: input.description,
    metadata: input.metadata,
    reason: input.reason,
    origin: input.origin,
  };
  const before = units(engine.state.balances[key]?.balance ?? "0", e.precision);
  let answer: LedgerRecord;
  if (engine.settings.overageEntries === "single" || toOverage === 0n || fromBalance === 0n) {
    const onlyOverage = fromBalance === 0n && toOverage > 0n;
    answer = writeEntry(engine, {
      ...base,
      transactionType: onlyOverage ? "overage_charged" : input.transactionType,
      amount: fromBalance + toOverage, // less than asked only with insufficientDebit: "partial"
      balanceDelta: -fromBalance,
      overageDelta: toOverage,
      grantId: touched.length === 1 ? touched[0]! : null,
    });
  } else {
    answer = writeEntry(engine, {
      ...base,
      transactionType: input.transactionType,
      amount: fromBalance,
      balanceDelta: -fromBalance,
      overageDelta: 0n,
      grantId: touched.length === 1 ? touched[0]! : null,
    });
    writeEntry(engine, {
      ...base,
      transactionType: "overage_charged",
      amount: toOverage,
      balanceDelta: 0n,
      overageDelta: toOverage,
      grantId: null,
    });
  }
  checkBalanceLow(engine, e, input.customerId, before, before - fromBalance);
  return answer;
}

/** `credit.balance_low` after a deduction: once per downward crossing by default. */
function checkBalanceLow(
  engine: DodoEngine,
  e: CreditEntitlement,
  customerId: string,
  before: bigint,
  after: bigint,
): void {
  const s = engine.settings;
  const sub =
    subscriptionFor(engine, customerId, e.id) ??
    (s.balanceLowRequiresSubscription ? undefined : subscriptionFor(engine, customerId, e.id, true));
  const percent = sub?.mapping.low_balance_threshold_percent;
  if (!sub || percent == null) return;
  const credits = units(sub.creditsAmount, e.precision) * BigInt(sub.subscription.quantity);
  const threshold = (credits * BigInt(Math.round(percent))) / 100n;
  const low = (x: bigint) => (s.balanceLowComparison === "below" ? x < threshold : x <= threshold);
  if (!low(after) || (s.balanceLowRepeat === "once_per_crossing" && low(before))) return;
  engine.emit("credit.balance_low", {
    payload_type: "CreditBalanceLow",
    available_balance: formatAmount(after, e.precision),
    brand_id: engine.config.brandId,
    credit_entitlement_id: e.id,
    credit_entitlement_name: e.name,
    customer_id: customerId,
    subscription_credits_amount: formatAmount(credits, e.precision),
    subscription_id: sub.subscription.subscription_id,
    threshold_amount: formatAmount(threshold, e.precision),
    threshold_percent: Math.round(percent),
  });
}

/**
 * The end of a subscription cycle for one entitlement (in Dodo's documented order): roll over or forfeit what is left
 * of the subscription's grants (or expire it), then reset overage per `overage_behavior`.
 */
export function endCycle(
  engine: DodoEngine,
  e: CreditEntitlement,
  sub: SubscriptionRecord,
  mapping: Mapping | undefined,
): void {
  const key = balanceKey(e.id, sub.customer_id);
  expireDue(engine, e.id, sub.customer_id);
  const config = creditConfig(e, mapping);
  const now = engine.nowIso();
  const mine = (engine.state.grants[key] ?? []).filter(
    (g) =>
      !g.is_expired &&
      !g.is_rolled_over &&
      g.source_id === sub.subscription_id &&
      (g.source_type === "subscription" || g.source_type === "rollover"),
  );
  for (const g of mine) {
    const remaining = units(g.remaining_amount, e.precision);
    if (config.rolloverEnabled && remaining > 0n) {
      const allowed = config.maxRolloverCount === null || g.rollover_count < config.maxRolloverCount;
      const rolled = allowed ? (remaining * BigInt(config.rolloverPercentage ?? 100)) / 100n : 0n;
      const forfeited = remaining - rolled;
      g.is_rolled_over = true;
      g.remaining_amount = formatAmount(0n, e.precision);
      g.updated_at = now;
      if (rolled > 0n) {
        const expiresAt = config.rolloverTimeframe
          ? addInterval(now, config.rolloverTimeframe.interval, config.rolloverTimeframe.count)
          : config.expiresAfterDays != null
            ? addDays(now, config.expiresAfterDays)
            : null;
        const child: GrantRecord = {
          ...g,
          id: newId("cdg_"),
          created_at: now,
          updated_at: now,
          initial_amount: formatAmount(rolled, e.precision),
          remaining_amount: formatAmount(rolled, e.precision),
          is_rolled_over: false,
          rollover_count: g.rollover_count + 1,
          source_type: "rollover",
          parent_grant_id: g.id,
          expires_at: expiresAt,
        };
        engine.state.grants[key]!.push(child);
        // The credits move from one grant to another: the balance does not change.
        writeEntry(engine, {
          entitlement: e,
          customerId: sub.customer_id,
          transactionType: "credit_rolled_over",
          entryType: "credit",
          amount: rolled,
          balanceDelta: 0n,
          overageDelta: 0n,
          grantId: child.id,
          description: "Credits rolled over to the next cycle",
          metadata: g.metadata ?? {},
          referenceType: "subscription",
          referenceId: sub.subscription_id,
          origin: "system",
        });
      }
      if (forfeited > 0n) {
        writeEntry(engine, {
          entitlement: e,
          customerId: sub.customer_id,
          transactionType: "rollover_forfeited",
          entryType: "debit",
          amount: forfeited,
          balanceDelta: -forfeited,
          overageDelta: 0n,
          grantId: g.id,
          description: allowed ? "Credits over the rollover percentage forfeited" : "Maximum rollover count reached",
          metadata: g.metadata ?? {},
          referenceType: "subscription",
          referenceId: sub.subscription_id,
          origin: "system",
        });
      }
    } else if (engine.settings.subscriptionGrantEndsAtRenewal) {
      g.expires_at = now;
      expireGrant(engine, e, g, "Credits expired at the end of the billing cycle");
    }
  }
  const balance = engine.state.balances[key];
  const overage = balance ? units(balance.overage, e.precision) : 0n;
  if (
    overage > 0n &&
    (config.overageBehavior === "forgive_at_reset" || config.overageBehavior === "invoice_at_billing")
  ) {
    writeEntry(engine, {
      entitlement: e,
      customerId: sub.customer_id,
      transactionType: "overage_reset",
      entryType: "credit",
      amount: overage,
      balanceDelta: 0n,
      overageDelta: -overage,
      grantId: null,
      description: "Overage reset at the end of the billing cycle",
      metadata: sub.metadata,
      referenceType: "subscription",
      referenceId: sub.subscription_id,
      origin: "system",
    });
  }
}

/** Issues one cycle's grant of a subscription (at checkout and at each renewal). */
export function grantSubscriptionCycle(engine: DodoEngine, sub: SubscriptionRecord): void {
  const product = engine.state.products[sub.product_id];
  for (const line of sub.credits) {
    const e = engine.state.entitlements[line.credit_entitlement_id];
    if (!e) continue;
    const mapping = product?.credit_entitlements.find((m) => m.credit_entitlement_id === e.id);
    const config = creditConfig(e, mapping);
    grant(engine, {
      entitlement: e,
      customerId: sub.customer_id,
      amount: units(line.credits_amount, e.precision) * BigInt(sub.quantity),
      sourceType: "subscription",
      sourceId: sub.subscription_id,
      expiresAt: null,
      expiresAfterDays: config.expiresAfterDays,
      grantMetadata: sub.metadata,
      entryMetadata: sub.metadata,
      transactionType: "credit_added",
      description: "Credits granted from subscription",
      origin: "system",
      overageBehavior: config.overageBehavior,
    });
  }
}

/**
 * A dashboard-style manual adjustment: positive → a new grant, negative → a FIFO deduction; both write
 * `manual_adjustment` and fire `credit.manual_adjustment` (and `credit.balance_low` when a debit crosses).
 */
export function adjustBalance(
  engine: DodoEngine,
  e: CreditEntitlement,
  customerId: string,
  signed: bigint,
  reason: string | null,
): LedgerRecord {
  if (signed === 0n) throw new ApiError(422, "UNPROCESSABLE_ENTITY", "amount: must not be zero");
  const description = reason ?? "Manual adjustment";
  if (signed > 0n) {
    return grant(engine, {
      entitlement: e,
      customerId,
      amount: signed,
      sourceType: "api",
      sourceId: null,
      expiresAt: null,
      grantMetadata: null,
      entryMetadata: {},
      transactionType: "manual_adjustment",
      description,
      reason,
      origin: "system",
    }).entry;
  }
  return debit(engine, {
    entitlement: e,
    customerId,
    amount: -signed,
    transactionType: "manual_adjustment",
    description,
    metadata: {},
    reason,
    origin: "system",
  });
}
