"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { z } from "zod";

import { signIn } from "@/lib/auth";
import { takeSignInAllowance } from "@/lib/auth/throttle";
import { clientAddress } from "@/lib/http/client-address";
import { safeRedirectPath } from "@/lib/safe-redirect";

const form = z.object({
  email: z.email().trim().toLowerCase(),
  callbackUrl: z.unknown().transform((value) => safeRedirectPath(value)),
});

export async function requestMagicLink(formData: FormData) {
  const parsed = form.safeParse({
    email: formData.get("email"),
    callbackUrl: formData.get("callbackUrl") ?? "/dashboard",
  });
  if (!parsed.success) redirect("/signin?error=invalid_email");
  const allowance = await takeSignInAllowance(parsed.data.email, clientAddress(await headers()));
  if (!allowance.allowed) redirect("/signin?error=rate_limited");
  // Redirects to /signin/check-email once the link is sent (signIn throws Next's redirect).
  await signIn("resend", { email: parsed.data.email, redirectTo: parsed.data.callbackUrl });
}
