import { checkoutHandler } from "../route-handler";

// POST /api/checkout/topup — an Email Top-Up Pack (prices and credits: lib/catalog/product.ts).
export const POST = checkoutHandler("topup");
