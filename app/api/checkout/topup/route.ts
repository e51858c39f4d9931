// POST /api/checkout/topup – a Dodo checkout for a Top-Up Pack, for the signed-in user (never a customer from input)
import { checkoutAnswer, checkoutRoute, startCheckout } from "@/lib/billing/checkout";
import { sessionPost } from "@/lib/http/session-route";

export const POST = sessionPost(checkoutRoute, (user) => startCheckout(user, "topup").then(checkoutAnswer));
