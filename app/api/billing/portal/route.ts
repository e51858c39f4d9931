import { getSessionUser } from "@/lib/auth/session";
import { customerPortalUrl } from "@/lib/billing/checkout";
import { crossSiteRefused, isCrossSiteRequest, jsonError, seeOther, wantsRedirect } from "@/lib/http";

import { bodyFits } from "../../checkout/route-handler";

// POST /api/billing/portal — opens Dodo's customer portal for the signed-in user's own customer.
export async function POST(request: Request) {
  if (isCrossSiteRequest(request)) return crossSiteRefused();
  if (!(await bodyFits(request))) return jsonError(413, "payload_too_large", "The request body is too large.");
  const form = wantsRedirect(request);
  const user = await getSessionUser();
  if (!user) return form ? seeOther("/signin") : jsonError(401, "unauthorized", "Sign in first.");
  try {
    const url = await customerPortalUrl(user);
    return form ? seeOther(url) : Response.json({ url });
  } catch (error) {
    console.error("[billing/portal]", (error as Error).message);
    return form
      ? seeOther("/dashboard/billing?error=portal_failed")
      : jsonError(502, "portal_failed", "Could not open the billing portal.");
  }
}
