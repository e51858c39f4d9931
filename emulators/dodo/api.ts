import { createHash } from "node:crypto";

import type { DefaultPageNumberPaginationResponse as Page } from "dodopayments/core/pagination";
import type {
  BalanceCreateLedgerEntryResponse,
  BalanceListGrantsResponse,
  CreditLedgerEntry,
  CustomerCreditBalance,
} from "dodopayments/resources/credit-entitlements/balances";
import type { CreditEntitlement } from "dodopayments/resources/credit-entitlements/credit-entitlements";
import type { CheckoutSessionResponse, CheckoutSessionStatus } from "dodopayments/resources/checkout-sessions";
import type { Customer, CustomerPortalSession } from "dodopayments/resources/customers/customers";
import type { Payment, PaymentListResponse } from "dodopayments/resources/payments";
import type { Product, ProductListResponse } from "dodopayments/resources/products/products";
import type { Refund } from "dodopayments/resources/refunds";
import type { Subscription, SubscriptionListResponse } from "dodopayments/resources/subscriptions";

import { formatAmount, units } from "./amounts";
import { createCustomer, subscriptionOr404, updateSubscription } from "./billing";
import { balanceOf, debit, expireDue, grant } from "./credits";
import type { DodoEngine } from "./engine";
import { conflict, notFound, unprocessable } from "./errors";
import {
  toCheckoutStatus,
  toLedgerEntry,
  toProduct,
  toProductListItem,
  toSubscription,
  toSubscriptionListItem,
  wireBalance,
  wireSubscription,
  type WireBalance,
  type WireCustomerCreditItem,
} from "./shapes";
import { createRefund } from "./refunds";
import { createCheckoutOrCharge, listSavedMethods } from "./saved-methods";
import { balanceKey, newId, type LedgerRecord, type ProductRecord } from "./state";
import * as v from "./validation";

/**
 * The Dodo REST API under `/dodo`. Every handler is typed with the SDK's request and response types, so a
 * drift from the real wire shapes fails to compile. Handlers throw ApiError for `{code, message}` errors.
 */
export type ApiRequest = { engine: DodoEngine; params: Record<string, string>; query: URLSearchParams; body: unknown };
export type ApiResponse = { status: number; body: unknown; headers?: Record<string, string> };
type Route = { method: string; pattern: string; handler: (r: ApiRequest) => ApiResponse };

const ok = (body: unknown, status = 200): ApiResponse => ({ status, body });
const newestFirst = <T>(items: T[]): T[] => items.slice().reverse();

// ---- credit entitlements ----

function entitlementOr404(engine: DodoEngine, id: string): CreditEntitlement {
  const e = engine.state.entitlements[id];
  if (!e) throw notFound("Credit entitlement not found");
  return e;
}

function customerOr404(engine: DodoEngine, id: string): Customer {
  const c = engine.state.customers[id];
  if (!c) throw notFound("Customer not found");
  return c;
}

function listEntitlements({ engine, query }: ApiRequest): Page<CreditEntitlement> {
  v.parsePage(query);
  if (v.parseBool(query, "deleted")) return { items: [] }; // the emulator never deletes
  return v.page(newestFirst(Object.values(engine.state.entitlements)), query);
}

function createEntitlement({ engine, body }: ApiRequest): CreditEntitlement {
  const p = v.parseEntitlementCreate(body);
  const now = engine.nowIso();
  const e: CreditEntitlement = {
    id: newId("cde_"),
    business_id: engine.config.businessId,
    created_at: now,
    updated_at: now,
    name: p.name,
    unit: p.unit,
    precision: p.precision,
    rollover_enabled: p.rollover_enabled,
    overage_enabled: p.overage_enabled,
    overage_behavior: p.overage_behavior ?? "forgive_at_reset",
    currency: p.currency ?? null,
    description: p.description ?? null,
    expires_after_days: p.expires_after_days ?? null,
    max_rollover_count: p.max_rollover_count ?? null,
    overage_limit: p.overage_limit ?? null,
    price_per_unit: p.price_per_unit ?? null,
    rollover_percentage: p.rollover_percentage ?? null,
    rollover_timeframe_count: p.rollover_timeframe_count ?? null,
    rollover_timeframe_interval: p.rollover_timeframe_interval ?? null,
  };
  engine.state.entitlements[e.id] = e;
  engine.save();
  return e;
}

function updateEntitlement({ engine, params, body }: ApiRequest): void {
  const e = entitlementOr404(engine, params.id!);
  const p = v.parseEntitlementUpdate(body);
  // Explicit nulls clear nullable fields; omitted fields stay (the "double option" pattern).
  for (const [key, value] of Object.entries(p) as Array<[keyof typeof p, unknown]>) {
    if (value === undefined) continue;
    if (value === null && ["name", "unit", "overage_enabled", "rollover_enabled", "overage_behavior"].includes(key))
      continue;
    (e as unknown as Record<string, unknown>)[key] = value;
  }
  e.updated_at = engine.nowIso();
  engine.save();
}

// ---- balances, grants, ledger ----

function retrieveBalance({ engine, params }: ApiRequest): WireBalance {
  const e = entitlementOr404(engine, params.id!);
  expireDue(engine, e.id, params.customer!);
  const balance = balanceOf(engine, e.id, params.customer!);
  if (balance) return wireBalance(engine, balance);
  if (engine.settings.missingBalance === "zero" && engine.state.customers[params.customer!]) {
    const now = engine.nowIso();
    const zero = formatAmount(0n, e.precision);
    return wireBalance(engine, {
      id: newId("cdb_"),
      balance: zero,
      overage: zero,
      created_at: now,
      updated_at: now,
      credit_entitlement_id: e.id,
      customer_id: params.customer!,
      last_transaction_at: null,
    });
  }
  throw notFound("Credit entitlement or customer balance not found");
}

function listBalances({ engine, params, query }: ApiRequest): Page<WireBalance> {
  v.parsePage(query);
  const e = entitlementOr404(engine, params.id!);
  const customer = query.get("customer_id");
  const all: CustomerCreditBalance[] = [];
  for (const b of Object.values(engine.state.balances)) {
    if (b.credit_entitlement_id !== e.id || (customer && b.customer_id !== customer)) continue;
    expireDue(engine, e.id, b.customer_id);
    all.push(b);
  }
  return { items: v.page(newestFirst(all), query).items.map((b) => wireBalance(engine, b)) };
}

function listGrants({ engine, params, query }: ApiRequest): Page<BalanceListGrantsResponse> {
  v.parsePage(query);
  const status = query.get("status");
  if (status !== null && !["active", "expired", "depleted"].includes(status))
    throw unprocessable("status: unknown variant, expected one of `active`, `expired`, `depleted`");
  const e = entitlementOr404(engine, params.id!);
  customerOr404(engine, params.customer!);
  expireDue(engine, e.id, params.customer!);
  let grants = engine.state.grants[balanceKey(e.id, params.customer!)] ?? [];
  if (status) {
    grants = grants.filter((g) => {
      const empty = units(g.remaining_amount, e.precision) === 0n;
      if (status === "expired") return g.is_expired;
      if (status === "depleted") return !g.is_expired && empty;
      return !g.is_expired && !empty;
    });
  }
  if (engine.settings.grantOrder === "newest_first") grants = newestFirst(grants);
  return v.page(grants, query);
}

const TRANSACTION_TYPES = [
  "credit_added",
  "credit_deducted",
  "credit_expired",
  "credit_rolled_over",
  "rollover_forfeited",
  "overage_charged",
  "overage_reset",
  "auto_top_up",
  "manual_adjustment",
  "refund",
];

function listLedger({ engine, params, query }: ApiRequest): Page<CreditLedgerEntry> {
  v.parsePage(query);
  const type = query.get("transaction_type");
  if (type !== null && !TRANSACTION_TYPES.includes(type))
    throw unprocessable(`transaction_type: unknown variant \`${type}\``);
  const start = v.parseDate(query, "start_date");
  const end = v.parseDate(query, "end_date");
  const e = entitlementOr404(engine, params.id!);
  customerOr404(engine, params.customer!);
  expireDue(engine, e.id, params.customer!);
  let entries: LedgerRecord[] = engine.state.ledger[balanceKey(e.id, params.customer!)] ?? [];
  if (type || start !== undefined || end !== undefined) {
    entries = entries.filter((x) => {
      const at = Date.parse(x.created_at);
      return (
        (!type || x.transaction_type === type) &&
        (start === undefined || at >= start) &&
        (end === undefined || at <= end)
      );
    });
  }
  if (engine.settings.ledgerOrder === "newest_first") entries = newestFirst(entries);
  return { items: v.page(entries, query).items.map(toLedgerEntry) };
}

/** POST …/ledger-entries: a credit creates a grant; a debit consumes grants. Idempotent on `idempotency_key`. */
function createLedgerEntry({ engine, params, body }: ApiRequest): ApiResponse {
  const p = v.parseLedgerEntry(body);
  const e = entitlementOr404(engine, params.id!);
  const customer = engine.state.customers[params.customer!];
  if (!customer) throw notFound("Credit entitlement or customer not found");
  const amount = units(p.amount, e.precision);
  if (amount <= 0n) throw unprocessable("amount: must be greater than 0");
  let expiresAt: string | null = null;
  if (p.expires_at != null) {
    if (p.entry_type !== "credit") throw unprocessable("expires_at: only allowed for credit entries");
    const ms = Date.parse(p.expires_at);
    if (Number.isNaN(ms)) throw unprocessable("expires_at: invalid datetime");
    if (ms <= engine.nowMs()) throw unprocessable("expires_at: must be in the future");
    expiresAt = new Date(ms).toISOString();
  }

  // Scope: (entitlement, customer, key). Same body → the original answer, nothing written (observed live);
  // a different body → 409.
  const key = p.idempotency_key ? `${balanceKey(e.id, customer.customer_id)}/${p.idempotency_key}` : undefined;
  const fingerprint = createHash("sha256")
    .update(stableJson({ ...p, idempotency_key: undefined }))
    .digest("hex");
  const previous = key ? engine.state.idempotency[key] : undefined;
  if (previous) {
    if (previous.fingerprint !== fingerprint)
      throw conflict("IDEMPOTENCY_KEY_CONFLICT", "Idempotency key already exists with a different request body");
    if (engine.settings.idempotencyReplay === "conflict")
      throw conflict("IDEMPOTENCY_KEY_EXISTS", "Idempotency key already exists");
    return ok(previous.response, 201);
  }

  const manual = engine.settings.apiEntryTransactionType === "manual_adjustment";
  const metadata = p.metadata ?? {};
  let entry: LedgerRecord;
  if (p.entry_type === "credit") {
    const inherit = expiresAt === null && engine.settings.apiGrantInheritsExpiry && e.expires_after_days != null;
    entry = grant(engine, {
      entitlement: e,
      customerId: customer.customer_id,
      amount,
      sourceType: "api",
      sourceId: null,
      expiresAt,
      expiresAfterDays: inherit ? e.expires_after_days : null,
      grantMetadata: null,
      entryMetadata: metadata,
      transactionType: manual ? "manual_adjustment" : "credit_added",
      description: p.reason ?? "Credits added via API",
      reason: p.reason,
      origin: "api",
    }).entry;
  } else {
    entry = debit(engine, {
      entitlement: e,
      customerId: customer.customer_id,
      amount,
      transactionType: manual ? "manual_adjustment" : "credit_deducted",
      description: p.reason ?? "Credits deducted via API",
      metadata,
      reason: p.reason,
      origin: "api",
    });
  }
  const response: BalanceCreateLedgerEntryResponse = {
    id: entry.id,
    amount: entry.amount,
    balance_after: entry.balance_after,
    balance_before: entry.balance_before,
    created_at: entry.created_at,
    credit_entitlement_id: entry.credit_entitlement_id,
    customer_id: entry.customer_id,
    entry_type: p.entry_type,
    is_credit: entry.is_credit,
    metadata: entry.metadata,
    overage_after: entry.overage_after,
    overage_before: entry.overage_before,
    grant_id: entry.grant_id ?? null,
    reason: p.reason ?? null,
  };
  if (key) engine.state.idempotency[key] = { fingerprint, response };
  engine.save();
  return ok(response, 201);
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).filter(([, x]) => x !== undefined && x !== null);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

// ---- products ----

function listProducts({ engine, query }: ApiRequest): Page<ProductListResponse> {
  v.parsePage(query);
  const archived = v.parseBool(query, "archived") ?? false;
  const recurring = v.parseBool(query, "recurring");
  const items = Object.values(engine.state.products).filter(
    (p) => p.archived === archived && (recurring === undefined || p.is_recurring === recurring),
  );
  return { items: v.page(newestFirst(items), query).items.map(toProductListItem) };
}

function checkMappings(
  engine: DodoEngine,
  mappings: NonNullable<ReturnType<typeof v.parseProductCreate>["credit_entitlements"]>,
): void {
  mappings.forEach((m, i) => {
    const e = engine.state.entitlements[m.credit_entitlement_id];
    if (!e) throw notFound(`Credit entitlement ${m.credit_entitlement_id} not found`);
    units(m.credits_amount, e.precision);
    if (mappings.findIndex((x) => x.credit_entitlement_id === m.credit_entitlement_id) !== i) {
      throw unprocessable(`credit_entitlements[${i}]: ${m.credit_entitlement_id} is attached twice`);
    }
  });
}

function createProduct({ engine, body }: ApiRequest): Product {
  const p = v.parseProductCreate(body);
  checkMappings(engine, p.credit_entitlements ?? []);
  const now = engine.nowIso();
  const product: ProductRecord = {
    product_id: newId("pdt_"),
    brand_id: p.brand_id ?? engine.config.brandId,
    business_id: engine.config.businessId,
    created_at: now,
    updated_at: now,
    name: p.name,
    description: p.description ?? null,
    price: p.price,
    tax_category: p.tax_category,
    is_recurring: p.price.type !== "one_time_price",
    license_key_enabled: false,
    metadata: p.metadata ?? {},
    entitlements: [],
    addons: [],
    image: null,
    credit_entitlements: (p.credit_entitlements ?? []).map((m) => ({ ...m, mapping_id: newId("cem_") })),
    archived: false,
  };
  engine.state.products[product.product_id] = product;
  engine.save();
  return toProduct(engine, product);
}

function productOr404(engine: DodoEngine, id: string): ProductRecord {
  const p = engine.state.products[id];
  if (!p) throw notFound("Product not found");
  return p;
}

function updateProduct({ engine, params, body }: ApiRequest): void {
  const product = productOr404(engine, params.id!);
  const p = v.parseProductUpdate(body);
  if (p.credit_entitlements) checkMappings(engine, p.credit_entitlements);
  if (p.name != null) product.name = p.name;
  if (p.description !== undefined) product.description = p.description;
  if (p.price != null) {
    product.price = p.price;
    product.is_recurring = p.price.type !== "one_time_price";
  }
  if (p.tax_category != null) product.tax_category = p.tax_category;
  if (p.metadata != null) product.metadata = p.metadata;
  if (p.credit_entitlements != null)
    product.credit_entitlements = p.credit_entitlements.map((m) => ({ ...m, mapping_id: newId("cem_") }));
  product.updated_at = engine.nowIso();
  engine.save();
}

// ---- customers ----

function listCustomers({ engine, query }: ApiRequest): Page<Customer> {
  v.parsePage(query);
  const email = query.get("email")?.toLowerCase();
  const name = query.get("name");
  const gte = v.parseDate(query, "created_at_gte");
  const lte = v.parseDate(query, "created_at_lte");
  const items = Object.values(engine.state.customers).filter((c) => {
    const at = Date.parse(c.created_at);
    return (
      (!email || c.email.toLowerCase() === email) &&
      (!name || c.name.includes(name)) &&
      (gte === undefined || at >= gte) &&
      (lte === undefined || at <= lte)
    );
  });
  return v.page(newestFirst(items), query);
}

function updateCustomer({ engine, params, body }: ApiRequest): Customer {
  const c = customerOr404(engine, params.id!);
  const p = v.parseCustomerUpdate(body);
  if (p.email != null) c.email = p.email;
  if (p.name != null) c.name = p.name;
  if (p.metadata != null) c.metadata = p.metadata;
  if (p.phone_number !== undefined) c.phone_number = p.phone_number;
  engine.save();
  return c;
}

function customerCreditEntitlements({ engine, params }: ApiRequest): { items: WireCustomerCreditItem[] } {
  const c = customerOr404(engine, params.id!);
  const items: WireCustomerCreditItem[] = [];
  for (const e of Object.values(engine.state.entitlements)) {
    expireDue(engine, e.id, c.customer_id);
    const b = balanceOf(engine, e.id, c.customer_id);
    if (!b) continue;
    const item = { credit_entitlement_id: e.id, name: e.name, unit: e.unit, description: e.description ?? null };
    items.push(
      engine.settings.wireAmounts === "numbers"
        ? { ...item, balance: Number(b.balance), overage: Number(b.overage) }
        : { ...item, balance: b.balance, overage: b.overage },
    );
  }
  return { items };
}

function createPortalSession({ engine, params, query }: ApiRequest): CustomerPortalSession {
  const c = customerOr404(engine, params.id!);
  const returnUrl = query.get("return_url");
  if (returnUrl) {
    try {
      new URL(returnUrl);
    } catch {
      throw unprocessable("return_url: relative URL without a base");
    }
  }
  const token = newId("ptl_");
  const now = engine.nowMs();
  engine.state.portalSessions[token] = {
    customer_id: c.customer_id,
    return_url: returnUrl,
    created_at: new Date(now).toISOString(),
    expires_at: new Date(now + 24 * 3600_000).toISOString(),
  };
  engine.save();
  return { link: `${engine.config.publicUrl}/portal/${token}` };
}

// ---- checkouts, subscriptions, payments ----

function retrieveCheckout({ engine, params }: ApiRequest): CheckoutSessionStatus {
  const c = engine.state.checkouts[params.id!];
  if (!c) throw notFound("Checkout session not found");
  return toCheckoutStatus(c);
}

function listSubscriptions({ engine, query }: ApiRequest): Page<SubscriptionListResponse> {
  v.parsePage(query);
  const customer = query.get("customer_id");
  const status = query.get("status");
  const product = query.get("product_id");
  const cancelAtEnd = v.parseBool(query, "cancel_at_next_billing_date");
  const gte = v.parseDate(query, "created_at_gte");
  const lte = v.parseDate(query, "created_at_lte");
  const items = Object.values(engine.state.subscriptions).filter((s) => {
    const at = Date.parse(s.created_at);
    return (
      (!customer || s.customer_id === customer) &&
      (!status || s.status === status) &&
      (!product || s.product_id === product) &&
      (cancelAtEnd === undefined || s.cancel_at_next_billing_date === cancelAtEnd) &&
      (gte === undefined || at >= gte) &&
      (lte === undefined || at <= lte)
    );
  });
  return { items: v.page(newestFirst(items), query).items.map((s) => toSubscriptionListItem(engine, s)) };
}

function retrieveSubscription({ engine, params }: ApiRequest): Subscription {
  return wireSubscription(engine, toSubscription(engine, subscriptionOr404(engine, params.id!)));
}

function retrievePayment({ engine, params }: ApiRequest): Payment {
  const p = engine.state.payments[params.id!];
  if (!p) throw notFound("Payment not found");
  return p;
}

/** GET /payments: newest first, filtered by customer and status (what MailKit uses), with Dodo's pages. */
function listPayments({ engine, query }: ApiRequest): Page<PaymentListResponse> {
  v.parsePage(query);
  const customer = query.get("customer_id");
  const status = query.get("status");
  const items = Object.values(engine.state.payments).filter(
    (p) => (!customer || p.customer.customer_id === customer) && (!status || p.status === status),
  );
  return { items: v.page(newestFirst(items), query).items.map(toPaymentListItem) };
}

function toPaymentListItem(p: Payment): PaymentListResponse {
  return {
    brand_id: p.brand_id,
    created_at: p.created_at,
    currency: p.currency,
    customer: p.customer,
    digital_products_delivered: p.digital_products_delivered,
    has_license_key: false,
    is_multi_subscription: p.is_multi_subscription,
    payment_provider: p.payment_provider,
    subscription_ids: p.subscription_ids,
    card_last_four: p.card_last_four ?? null,
    card_network: p.card_network ?? null,
    metadata: p.metadata,
    payment_id: p.payment_id,
    total_amount: p.total_amount,
    invoice_id: null,
    invoice_url: p.invoice_url ?? null,
    payment_method: p.payment_method ?? null,
    payment_method_type: p.payment_method_type ?? null,
    status: p.status ?? null,
    subscription_id: p.subscription_id ?? null,
  };
}

const BALANCE = "/credit-entitlements/:id/balances/:customer";

export const API_ROUTES: Route[] = [
  // The balance read first: it is the hot path.
  { method: "GET", pattern: BALANCE, handler: (r) => ok(retrieveBalance(r)) },
  { method: "GET", pattern: "/credit-entitlements", handler: (r) => ok(listEntitlements(r)) },
  { method: "POST", pattern: "/credit-entitlements", handler: (r) => ok(createEntitlement(r), 201) },
  { method: "GET", pattern: "/credit-entitlements/:id", handler: (r) => ok(entitlementOr404(r.engine, r.params.id!)) },
  { method: "PATCH", pattern: "/credit-entitlements/:id", handler: (r) => (updateEntitlement(r), ok(undefined)) },
  { method: "GET", pattern: "/credit-entitlements/:id/balances", handler: (r) => ok(listBalances(r)) },
  { method: "GET", pattern: `${BALANCE}/grants`, handler: (r) => ok(listGrants(r)) },
  { method: "GET", pattern: `${BALANCE}/ledger`, handler: (r) => ok(listLedger(r)) },
  { method: "POST", pattern: `${BALANCE}/ledger-entries`, handler: createLedgerEntry },
  { method: "GET", pattern: "/products", handler: (r) => ok(listProducts(r)) },
  { method: "POST", pattern: "/products", handler: (r) => ok(createProduct(r)) },
  {
    method: "GET",
    pattern: "/products/:id",
    handler: (r) => ok(toProduct(r.engine, productOr404(r.engine, r.params.id!)) satisfies Product),
  },
  { method: "PATCH", pattern: "/products/:id", handler: (r) => (updateProduct(r), ok(undefined)) },
  { method: "GET", pattern: "/customers", handler: (r) => ok(listCustomers(r)) },
  {
    method: "POST",
    pattern: "/customers",
    handler: (r) => ok(createCustomer(r.engine, v.parseCustomerCreate(r.body)) satisfies Customer),
  },
  { method: "GET", pattern: "/customers/:id", handler: (r) => ok(customerOr404(r.engine, r.params.id!)) },
  { method: "PATCH", pattern: "/customers/:id", handler: (r) => ok(updateCustomer(r)) },
  { method: "GET", pattern: "/customers/:id/credit-entitlements", handler: (r) => ok(customerCreditEntitlements(r)) },
  {
    method: "GET",
    pattern: "/customers/:id/payment-methods",
    handler: (r) => ok(listSavedMethods(r.engine, r.params.id!)),
  },
  { method: "GET", pattern: "/payments", handler: (r) => ok(listPayments(r)) },
  { method: "POST", pattern: "/customers/:id/customer-portal/session", handler: (r) => ok(createPortalSession(r)) },
  {
    method: "POST",
    pattern: "/checkouts",
    handler: (r) =>
      ok(createCheckoutOrCharge(r.engine, v.parseCheckoutCreate(r.body)) satisfies CheckoutSessionResponse),
  },
  { method: "GET", pattern: "/checkouts/:id", handler: (r) => ok(retrieveCheckout(r)) },
  { method: "GET", pattern: "/subscriptions", handler: (r) => ok(listSubscriptions(r)) },
  { method: "GET", pattern: "/subscriptions/:id", handler: (r) => ok(retrieveSubscription(r)) },
  {
    method: "PATCH",
    pattern: "/subscriptions/:id",
    handler: (r) =>
      ok(wireSubscription(r.engine, updateSubscription(r.engine, r.params.id!, v.parseSubscriptionUpdate(r.body)))),
  },
  { method: "GET", pattern: "/payments/:id", handler: (r) => ok(retrievePayment(r)) },
  {
    method: "POST",
    pattern: "/refunds",
    handler: (r) => ok(createRefund(r.engine, v.parseRefundCreate(r.body)) satisfies Refund),
  },
];
