import type { ReactNode } from "react";

import { DashboardNav } from "@/components/dashboard/nav";
import { LowBalanceBanner } from "@/components/billing/low-balance-banner";
import { Logo } from "@/components/logo";
import { requireUser } from "@/lib/auth/session";
import { signOutAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // proxy.ts already redirects signed-out visitors; the layout checks the session again.
  const user = await requireUser();
  return (
    <div className="min-h-screen">
      <header className="border-b border-gray-200 bg-white">
        <div className="mx-auto flex h-16 max-w-7xl items-center justify-between px-6">
          <Logo href="/dashboard" />
          <div className="flex items-center gap-4">
            <span className="hidden text-sm text-gray-600 sm:block" data-testid="user-email">
              {user.email}
            </span>
            <form action={signOutAction}>
              <button type="submit" className="text-sm font-medium text-gray-600 hover:text-gray-900">
                Sign out
              </button>
            </form>
          </div>
        </div>
      </header>
      <div className="mx-auto flex max-w-7xl flex-col gap-6 px-6 py-8 lg:flex-row">
        <aside className="lg:w-52 lg:shrink-0">
          <DashboardNav />
        </aside>
        <main className="min-w-0 flex-1 space-y-6">
          <LowBalanceBanner userId={user.id} />
          {children}
        </main>
      </div>
    </div>
  );
}
