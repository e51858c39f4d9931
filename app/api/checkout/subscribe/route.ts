// POST /api/checkout/subscribe – a Dodo checkout for the MailKit Plan, for the signed-in user
import { startCheckout } from "@/lib/billing/checkout";
import { sessionPost } from "@/lib/http/session-route";

export const POST = sessionPost(
  {
    signIn: "/dashboard/billing",
    errorPage: "/dashboard/billing",
    failure: { code: "checkout_failed", message: "Could not start the checkout. Please try again." },
  },
  async (user) => {
    const url = await startCheckout(user, "subscribe");
    return { redirect: url, json: { checkout_url: url } };
  },
);
