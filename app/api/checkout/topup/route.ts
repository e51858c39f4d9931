import { checkoutHandler } from "../route-handler";

// POST /api/checkout/topup — an Email Top-Up Pack ($9, +5,000 credits).
export const POST = checkoutHandler("topup");
