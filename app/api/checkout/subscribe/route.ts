import { checkoutHandler } from "../route-handler";

// POST /api/checkout/subscribe — the MailKit Plan (prices and credits: lib/catalog/product.ts).
export const POST = checkoutHandler("subscribe");
