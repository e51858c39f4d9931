import { MailCheck } from "lucide-react";
import type { Metadata } from "next";

import { Logo } from "@/components/logo";
import { getEnv } from "@/lib/env";

export const metadata: Metadata = { title: "Check your email" };
export const dynamic = "force-dynamic";

export default function CheckEmailPage() {
  const env = getEnv();
  return (
    <main id="main" className="flex min-h-screen flex-col items-center justify-center px-4 sm:px-6">
      <div className="mb-8">
        <Logo />
      </div>
      <div className="w-full max-w-sm rounded-2xl border border-gray-200 bg-surface p-8 text-center shadow-sm">
        <div className="mx-auto mb-4 grid h-12 w-12 place-items-center rounded-full bg-brand-50 text-brand-700">
          <MailCheck className="h-6 w-6" aria-hidden />
        </div>
        <h1 className="text-xl font-semibold">Check your email</h1>
        <p className="mt-2 text-sm text-gray-600">We sent you a sign-in link. It works once and expires in 24 hours.</p>
        {env.resendLocal ? (
          <p className="mt-6 rounded-lg bg-yellow-50 p-3 text-sm text-yellow-900">
            Local mode: emails go to the Resend emulator.{" "}
            <a href={`${env.EMULATOR_URL}/inbox`} className="font-semibold underline" data-testid="local-inbox-link">
              Open the local inbox
            </a>
          </p>
        ) : null}
      </div>
    </main>
  );
}
