import Link from "next/link";

import { getSessionUser } from "@/lib/auth/session";

import { Logo } from "./logo";
import { ThemeToggle } from "./shell/theme-toggle";
import { ButtonLink } from "./ui/button";

/** The public header: sign-in state decides the call to action. */
export async function SiteHeader() {
  const user = await getSessionUser();
  return (
    <header className="border-b border-gray-200 bg-surface/80 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-2 px-4 sm:px-6">
        <Logo />
        <nav aria-label="Site" className="flex items-center gap-1 sm:gap-3">
          <Link href="/#pricing" className="hidden text-sm font-medium text-gray-600 hover:text-gray-900 sm:block">
            Pricing
          </Link>
          <ThemeToggle />
          {user ? (
            <ButtonLink href="/dashboard">Dashboard</ButtonLink>
          ) : (
            <>
              <span className="hidden sm:block">
                <ButtonLink href="/signin" variant="ghost">
                  Sign in
                </ButtonLink>
              </span>
              <ButtonLink href="/signin">Get started</ButtonLink>
            </>
          )}
        </nav>
      </div>
    </header>
  );
}
