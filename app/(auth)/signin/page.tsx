import type { Metadata } from "next";
import { redirect } from "next/navigation";

import { Logo } from "@/components/logo";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import { getSessionUser } from "@/lib/auth/session";
import { safeRedirectPath } from "@/lib/net/safe-redirect";

import { requestMagicLink } from "./actions";

export const metadata: Metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const errors: Record<string, string> = {
  Verification: "That sign-in link has expired or was already used. Ask for a new one.",
  invalid_email: "Enter a valid email address.",
  rate_limited:
    "Too many sign-in links were requested for this address or from your network. Use the last link we sent, or try again in an hour.",
  unavailable: "MailKit is temporarily unavailable: no link was sent. Try again in a few seconds.",
  Default: "Sign-in failed. Please try again.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string; error?: string }>;
}) {
  const { callbackUrl, error } = await searchParams;
  if (await getSessionUser()) redirect(safeRedirectPath(callbackUrl));
  return (
    <main id="main" className="flex min-h-screen flex-col items-center justify-center px-4 sm:px-6">
      <div className="mb-8">
        <Logo />
      </div>
      <div className="w-full max-w-sm rounded-2xl border border-gray-200 bg-surface p-8 shadow-sm">
        <h1 className="text-xl font-semibold">Sign in to MailKit</h1>
        <p className="mt-1 text-sm text-gray-500">We&apos;ll email you a magic link. No password needed.</p>
        {error ? (
          <div className="mt-4">
            <Alert tone="error" title={errors[error] ?? errors.Default} />
          </div>
        ) : null}
        <form action={requestMagicLink} className="mt-6 space-y-4">
          <input type="hidden" name="callbackUrl" value={safeRedirectPath(callbackUrl)} />
          <div>
            <Label htmlFor="email">Email</Label>
            <Input id="email" name="email" type="email" autoComplete="email" required placeholder="you@company.com" />
          </div>
          <Button type="submit" className="w-full">
            Email me a sign-in link
          </Button>
        </form>
      </div>
    </main>
  );
}
