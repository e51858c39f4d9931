/**
 * What a slow dashboard page (live reads from Dodo) shows while it loads. A status region, so its name is
 * allowed by ARIA and screen readers hear "Loading…" once.
 */
export function PageSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-busy="true" data-testid="page-skeleton">
      <span className="sr-only">Loading…</span>
      <div className="h-8 w-48 motion-safe:animate-pulse rounded bg-gray-200" />
      <div className="h-40 motion-safe:animate-pulse rounded-xl bg-gray-200" />
      <div className="h-56 motion-safe:animate-pulse rounded-xl bg-gray-200" />
    </div>
  );
}
