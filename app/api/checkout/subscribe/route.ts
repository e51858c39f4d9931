import { checkoutHandler } from "../route-handler";

// POST /api/checkout/subscribe — the MailKit Plan ($19/month, 5,000 credits per cycle).
export const POST = checkoutHandler("subscribe");
