// POST /api/billing/portal – opens Dodo's customer portal for the signed-in user's own customer
import { customerPortalUrl } from "@/lib/billing/checkout";
import { sessionPost } from "@/lib/http/session-route";

export const POST = sessionPost(
  {
    signIn: "/dashboard/billing",
    errorPage: "/dashboard/billing",
    failure: { code: "portal_failed", message: "Could not open the billing portal." },
  },
  async (user) => {
    const url = await customerPortalUrl(user);
    return { redirect: url, json: { url } };
  },
);
