import type DodoPayments from "dodopayments";

import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import { getEnv } from "@/lib/env";
import { processLazy } from "@/lib/runtime/singleton";
import { getDodo } from "./client";

/**
 * What MailKit sells, as Dodo needs it. The names are how the catalog is found in a Dodo account (no IDs
 * needed locally); the numbers come from the product catalog.
 */
export const CATALOG = {
  entitlement: { ...PRODUCT.credits, precision: 0 },
  plan: { ...PRODUCT.plan, description: `${PRODUCT_COPY.planSummary}.` },
  topUp: { ...PRODUCT.topUp, description: `${PRODUCT_COPY.topUpSummary}.` },
} as const;

export type Catalog = { entitlementId: string; planProductId: string; topUpProductId: string };

/** The catalog's IDs: from the environment when configured, else looked up by name (cached per process). */
const cached = processLazy("dodo-catalog", () =>
  resolveCatalog().catch((error) => {
    cached.reset(); // try again next time
    throw error;
  }),
);

export const getCatalog = (): Promise<Catalog> => cached.get();
export const resetCatalogForTests = (): void => cached.reset();

async function resolveCatalog(): Promise<Catalog> {
  const env = getEnv();
  if (env.DODO_CREDIT_ENTITLEMENT_ID && env.DODO_PLAN_PRODUCT_ID && env.DODO_TOPUP_PRODUCT_ID) {
    return {
      entitlementId: env.DODO_CREDIT_ENTITLEMENT_ID,
      planProductId: env.DODO_PLAN_PRODUCT_ID,
      topUpProductId: env.DODO_TOPUP_PRODUCT_ID,
    };
  }
  const found = await findCatalog(getDodo());
  if (!found.entitlementId || !found.planProductId || !found.topUpProductId) {
    throw new Error("The Dodo catalog is missing: run `npm run dodo:setup` (or set the DODO_*_ID variables)");
  }
  return found as Catalog;
}

async function findCatalog(dodo: DodoPayments): Promise<Partial<Catalog>> {
  const catalog: Partial<Catalog> = {};
  for await (const entitlement of dodo.creditEntitlements.list({ page_size: 100, page_number: 0 })) {
    if (entitlement.name === CATALOG.entitlement.name) catalog.entitlementId ??= entitlement.id;
  }
  for await (const product of dodo.products.list({ page_size: 100, page_number: 0 })) {
    if (product.name === CATALOG.plan.name) catalog.planProductId ??= product.product_id;
    if (product.name === CATALOG.topUp.name) catalog.topUpProductId ??= product.product_id;
  }
  return catalog;
}

/** Creates whatever part of the catalog is missing (idempotent: finds existing items by name). */
export async function ensureCatalog(dodo: DodoPayments): Promise<Catalog & { created: string[] }> {
  const found = await findCatalog(dodo);
  const created: string[] = [];

  let entitlementId = found.entitlementId;
  if (!entitlementId) {
    const entitlement = await dodo.creditEntitlements.create({
      name: CATALOG.entitlement.name,
      unit: CATALOG.entitlement.unit,
      precision: CATALOG.entitlement.precision,
      expires_after_days: CATALOG.entitlement.expiresAfterDays,
      description: CATALOG.entitlement.description,
      rollover_enabled: false,
      overage_enabled: false,
    });
    entitlementId = entitlement.id;
    created.push(`credit entitlement ${entitlementId}`);
  }

  const attach = (credits: number, lowBalancePercent?: number) => [
    {
      credit_entitlement_id: entitlementId!,
      credits_amount: String(credits),
      expires_after_days: CATALOG.entitlement.expiresAfterDays,
      ...(lowBalancePercent !== undefined ? { low_balance_threshold_percent: lowBalancePercent } : {}),
    },
  ];

  let planProductId = found.planProductId;
  if (!planProductId) {
    const plan = await dodo.products.create({
      name: CATALOG.plan.name,
      description: CATALOG.plan.description,
      tax_category: "saas",
      price: {
        type: "recurring_price",
        price: CATALOG.plan.priceCents,
        currency: "USD",
        discount: 0,
        purchasing_power_parity: false,
        payment_frequency_count: 1,
        payment_frequency_interval: "Month",
        subscription_period_count: 1,
        subscription_period_interval: "Year",
      },
      credit_entitlements: attach(CATALOG.plan.credits, CATALOG.plan.lowBalancePercent),
    });
    planProductId = plan.product_id;
    created.push(`plan product ${planProductId}`);
  }

  let topUpProductId = found.topUpProductId;
  if (!topUpProductId) {
    const topUp = await dodo.products.create({
      name: CATALOG.topUp.name,
      description: CATALOG.topUp.description,
      tax_category: "saas",
      price: {
        type: "one_time_price",
        price: CATALOG.topUp.priceCents,
        currency: "USD",
        discount: 0,
        purchasing_power_parity: false,
      },
      credit_entitlements: attach(CATALOG.topUp.credits),
    });
    topUpProductId = topUp.product_id;
    created.push(`top-up product ${topUpProductId}`);
  }

  return { entitlementId, planProductId, topUpProductId, created };
}
