import type { LucideIcon } from "lucide-react";
import type { ReactNode } from "react";

/** The body of a 404 or error page: an icon, what happened, and ways on. */
export function StatusPage({
  icon: Icon,
  code,
  title,
  children,
  actions,
}: {
  icon: LucideIcon;
  code: string;
  title: string;
  children: ReactNode;
  actions: ReactNode;
}) {
  return (
    <div className="mx-auto max-w-lg rounded-2xl border border-gray-200 bg-surface px-6 py-12 text-center shadow-sm">
      <span className="mx-auto grid h-12 w-12 place-items-center rounded-full bg-brand-50 text-brand-700">
        <Icon className="h-6 w-6" aria-hidden />
      </span>
      <p className="mt-4 text-sm font-semibold text-brand-700">{code}</p>
      <h1 className="mt-1 text-2xl font-bold tracking-tight">{title}</h1>
      <div className="mt-2 text-sm text-gray-600">{children}</div>
      <div className="mt-6 flex flex-wrap justify-center gap-3">{actions}</div>
    </div>
  );
}
