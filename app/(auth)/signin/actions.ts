"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { signIn } from "@/lib/auth";
import { takeSignInAllowance } from "@/lib/auth/throttle";
import { clientAddress } from "@/lib/http/client-address";
import { asForm, stringField, unlessUnavailable } from "@/lib/http/server-action";
import { safeRedirectPath } from "@/lib/net/safe-redirect";

const form = z.object({
  email: z.email().trim().toLowerCase(),
  callbackUrl: z.unknown().transform((value) => safeRedirectPath(value)),
});

export async function requestMagicLink(formData: FormData) {
  const parsed = form.safeParse({
    email: stringField(formData, "email"),
    callbackUrl: asForm(formData).get("callbackUrl") ?? "/dashboard",
  });
  if (!parsed.success) redirect("/signin?error=invalid_email");
  const { email, callbackUrl } = parsed.data;
  await unlessUnavailable(
    async () => {
      const allowance = await takeSignInAllowance(email, clientAddress(await headers()));
      if (!allowance.allowed) redirect("/signin?error=rate_limited");
      // Redirects to /signin/check-email once the link is sent (signIn throws Next's redirect).
      await signIn("resend", { email, redirectTo: callbackUrl });
    },
    () => redirect("/signin?error=unavailable"),
  );
}
