"use client";

import {
  Activity,
  Ban,
  BookOpen,
  ChevronDown,
  CreditCard,
  Globe,
  Inbox,
  KeyRound,
  LayoutDashboard,
  ScrollText,
  Menu,
  Send,
  Webhook,
} from "lucide-react";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";

const items = [
  { href: "/dashboard", label: "Overview", icon: LayoutDashboard },
  { href: "/dashboard/send", label: "Send", icon: Send },
  { href: "/dashboard/messages", label: "Messages", icon: Inbox },
  { href: "/dashboard/domains", label: "Domains", icon: Globe },
  { href: "/dashboard/suppressions", label: "Suppressions", icon: Ban },
  { href: "/dashboard/deliverability", label: "Deliverability", icon: Activity },
  { href: "/dashboard/keys", label: "API keys", icon: KeyRound },
  { href: "/dashboard/logs", label: "Logs", icon: ScrollText },
  { href: "/dashboard/webhooks", label: "Webhooks", icon: Webhook },
  { href: "/dashboard/billing", label: "Billing", icon: CreditCard },
  { href: "/dashboard/docs", label: "API reference", icon: BookOpen },
];

const isActive = (href: string, pathname: string) =>
  href === "/dashboard" ? pathname === href : pathname === href || pathname.startsWith(`${href}/`);

/** Side navigation on wide screens; on phones a menu button that opens the same list (every item reachable). */
export function DashboardNav() {
  const pathname = usePathname();
  // The menu closes on navigation: it remembers which page it was opened on.
  const [openOn, setOpenOn] = useState<string | null>(null);
  const open = openOn === pathname;
  const current = items.find((item) => isActive(item.href, pathname));
  return (
    <div>
      <button
        type="button"
        className="flex w-full items-center justify-between rounded-lg bg-surface px-3 py-2 text-sm font-medium text-gray-900 ring-1 ring-inset ring-gray-300 lg:hidden"
        aria-expanded={open}
        aria-controls="dashboard-nav"
        onClick={() => setOpenOn(open ? null : pathname)}
        data-testid="nav-menu-button"
      >
        <span className="flex items-center gap-2">
          <Menu className="h-4 w-4" aria-hidden />
          Menu <span className="text-gray-500">· {current?.label ?? "Dashboard"}</span>
        </span>
        <ChevronDown className={`h-4 w-4 transition ${open ? "rotate-180" : ""}`} aria-hidden />
      </button>
      <nav
        id="dashboard-nav"
        aria-label="Dashboard"
        className={`${open ? "flex" : "hidden"} mt-2 flex-col gap-1 lg:mt-0 lg:flex`}
      >
        {items.map(({ href, label, icon: Icon }) => {
          const active = isActive(href, pathname);
          return (
            <Link
              key={href}
              href={href}
              aria-current={active ? "page" : undefined}
              className={`flex items-center gap-2 rounded-lg px-3 py-2 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-gray-600 hover:bg-gray-100 hover:text-gray-900"}`}
            >
              <Icon className="h-4 w-4 shrink-0" aria-hidden />
              {label}
            </Link>
          );
        })}
      </nav>
    </div>
  );
}
