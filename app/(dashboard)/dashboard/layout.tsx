import { LogOut } from "lucide-react";
import type { ReactNode } from "react";

import { LowBalanceBanner } from "@/components/billing/low-balance-banner";
import { DashboardNav } from "@/components/dashboard/nav";
import { LiveUpdates } from "@/components/live/live-updates";
import { Logo } from "@/components/logo";
import { ThemeToggle } from "@/components/shell/theme-toggle";
import { requireUser } from "@/lib/auth/session";
import { getLiveSnapshot } from "@/lib/live/snapshot";

import { signOutAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // proxy.ts already redirects signed-out visitors; the layout checks the session again.
  const user = await requireUser();
  const live = await getLiveSnapshot(user.id);
  return (
    <LiveUpdates initial={live}>
      <div className="min-h-screen">
        <header className="border-b border-gray-200 bg-surface">
          <div className="mx-auto flex h-16 max-w-7xl items-center justify-between gap-3 px-4 sm:px-6">
            <Logo href="/dashboard" />
            <div className="flex min-w-0 items-center gap-1 sm:gap-3">
              <span className="hidden truncate text-sm text-gray-600 sm:block" data-testid="user-email">
                {user.email}
              </span>
              <ThemeToggle />
              <form action={signOutAction}>
                <button
                  type="submit"
                  className="flex items-center gap-1.5 rounded-lg px-2 py-2 text-sm font-medium text-gray-600 hover:bg-gray-100 hover:text-gray-900"
                >
                  <LogOut className="h-4 w-4" aria-hidden />
                  Sign out
                </button>
              </form>
            </div>
          </div>
        </header>
        <div className="mx-auto flex max-w-7xl flex-col gap-4 px-4 py-6 sm:px-6 lg:flex-row lg:gap-6 lg:py-8">
          <aside className="lg:w-52 lg:shrink-0">
            <DashboardNav />
          </aside>
          <main id="main" tabIndex={-1} className="min-w-0 flex-1 space-y-6 focus:outline-none">
            <LowBalanceBanner userId={user.id} />
            {children}
          </main>
        </div>
      </div>
    </LiveUpdates>
  );
}
