// POST /api/checkout/subscribe – a Dodo checkout for the MailKit Plan, for the signed-in user (never a customer from input)
import { checkoutAnswer, checkoutRoute, startCheckout } from "@/lib/billing/checkout";
import { sessionPost } from "@/lib/http/session-route";

export const POST = sessionPost(checkoutRoute, (user) => startCheckout(user, "subscribe").then(checkoutAnswer));
