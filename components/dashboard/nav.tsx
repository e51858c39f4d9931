"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const items = [
  { href: "/dashboard", label: "Overview" },
  { href: "/dashboard/send", label: "Send" },
  { href: "/dashboard/messages", label: "Messages" },
  { href: "/dashboard/keys", label: "API keys" },
  { href: "/dashboard/billing", label: "Billing" },
  { href: "/dashboard/docs", label: "API reference" },
];

export function DashboardNav() {
  const pathname = usePathname();
  return (
    <nav className="flex gap-1 overflow-x-auto lg:flex-col">
      {items.map((item) => {
        const active = item.href === "/dashboard" ? pathname === item.href : pathname.startsWith(item.href);
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? "page" : undefined}
            className={`whitespace-nowrap rounded-lg px-3 py-2 text-sm font-medium ${active ? "bg-brand-50 text-brand-700" : "text-gray-600 hover:bg-gray-100 hover:text-gray-900"}`}
          >
            {item.label}
          </Link>
        );
      })}
    </nav>
  );
}
