/**
 * npm run dodo:setup — creates MailKit's catalog in Dodo Payments (idempotent: finds existing items by name):
 * the "Email Credits" entitlement, the "MailKit Plan" and the "Email Top-Up Pack", with the prices, credits,
 * low-balance threshold and credit expiry of lib/catalog/product.ts.
 * With DODO_PAYMENTS_API_KEY it talks to your Dodo account (test_mode by default); without, to the emulator.
 */
import { loadDotEnv } from "./lib/dotenv";

loadDotEnv();
const { getEnv } = await import("@/lib/env");
const { ensureCatalog } = await import("@/lib/dodo/catalog");
const { getDodo } = await import("@/lib/dodo/client");
const { PRODUCT, PRODUCT_COPY } = await import("@/lib/catalog/product");

const env = getEnv();
const target = env.dodoLocal ? `the local emulator (${env.dodo.baseURL})` : `Dodo Payments ${env.dodo.baseURL ?? env.dodo.environment}`;
console.log(`Setting up the MailKit catalog in ${target}…`);
console.log(
  `${PRODUCT.plan.name} ${PRODUCT_COPY.planPrice}/month (${PRODUCT_COPY.planCredits} credits), ${PRODUCT.topUp.name} ${PRODUCT_COPY.topUpPrice} (+${PRODUCT_COPY.topUpCredits}); ${PRODUCT_COPY.expiry.toLowerCase()}.`,
);
try {
  const catalog = await ensureCatalog(getDodo());
  console.log(catalog.created.length ? `Created: ${catalog.created.join(", ")}` : "Everything already existed.");
  console.log("\nAdd these to .env (optional: MailKit also finds them by name):");
  console.log(`DODO_CREDIT_ENTITLEMENT_ID=${catalog.entitlementId}`);
  console.log(`DODO_PLAN_PRODUCT_ID=${catalog.planProductId}`);
  console.log(`DODO_TOPUP_PRODUCT_ID=${catalog.topUpProductId}`);
} catch (error) {
  console.error(`✖ ${(error as Error).message}`);
  if (env.dodoLocal) console.error("Is the emulator running? Start it with `npm run emulators` (or `npm run dev`).");
  process.exit(1);
}
