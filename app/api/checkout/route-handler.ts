import { getSessionUser } from "@/lib/auth/session";
import { BillingError, startCheckout, type CheckoutKind } from "@/lib/billing/checkout";
import { crossSiteRefused, isCrossSiteRequest, jsonError, seeOther, wantsRedirect } from "@/lib/http";
import { BODY_LIMITS, BodyTooLargeError, readBodyBytes } from "@/lib/http/body";

/** POST /api/checkout/{subscribe,topup}: a Dodo checkout for the signed-in user (never a customer from input). */
export function checkoutHandler(kind: CheckoutKind) {
  return async function POST(request: Request): Promise<Response> {
    if (isCrossSiteRequest(request)) return crossSiteRefused();
    // The form carries nothing MailKit reads; draining it with a small limit keeps big bodies out of memory.
    if (!(await bodyFits(request))) return jsonError(413, "payload_too_large", "The request body is too large.");
    const form = wantsRedirect(request);
    const user = await getSessionUser();
    if (!user)
      return form
        ? seeOther("/signin?callbackUrl=/dashboard/billing")
        : jsonError(401, "unauthorized", "Sign in to buy credits.");
    try {
      const url = await startCheckout(user, kind);
      return form ? seeOther(url) : Response.json({ checkout_url: url });
    } catch (error) {
      if (error instanceof BillingError) {
        return form ? seeOther(`/dashboard/billing?error=${error.code}`) : jsonError(409, error.code, error.message);
      }
      console.error(`[checkout/${kind}]`, (error as Error).message);
      return form
        ? seeOther("/dashboard/billing?error=checkout_failed")
        : jsonError(502, "checkout_failed", "Could not start the checkout. Please try again.");
    }
  };
}

/** False when the body is over the small limit of MailKit's own forms (the rest is not read). */
export async function bodyFits(request: Request): Promise<boolean> {
  try {
    await readBodyBytes(request, { limitBytes: BODY_LIMITS.form });
    return true;
  } catch (error) {
    if (error instanceof BodyTooLargeError) return false;
    throw error;
  }
}
