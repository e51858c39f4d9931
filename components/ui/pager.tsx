import Link from "next/link";
import type { ReactNode } from "react";

/**
 * The footer of a newest-first list: a link to newer entries on the left, to older ones on the right, and what is
 * shown in between (e.g. "Page 2 of 5"). Renders nothing when there is nowhere to go.
 */
export function Pager({
  newerHref,
  olderHref,
  olderLabel = "Older →",
  children,
}: {
  newerHref?: string;
  olderHref?: string;
  olderLabel?: string;
  children?: ReactNode;
}) {
  if (!newerHref && !olderHref) return null;
  return (
    <div className="flex items-center justify-between gap-3 border-t border-gray-100 px-6 py-3 text-sm">
      {newerHref ? (
        <Link href={newerHref} className="font-medium text-brand-700" data-testid="page-newer">
          ← Newer
        </Link>
      ) : (
        <span />
      )}
      {children ? <span className="text-center text-gray-500">{children}</span> : null}
      {olderHref ? (
        <Link href={olderHref} className="font-medium text-brand-700" data-testid="page-older">
          {olderLabel}
        </Link>
      ) : (
        <span />
      )}
    </div>
  );
}
