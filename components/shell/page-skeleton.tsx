/** What a slow dashboard page (live reads from Dodo) shows while it loads. */
export function PageSkeleton() {
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading">
      <div className="h-8 w-48 motion-safe:animate-pulse rounded bg-gray-200" />
      <div className="h-40 motion-safe:animate-pulse rounded-xl bg-gray-200" />
      <div className="h-56 motion-safe:animate-pulse rounded-xl bg-gray-200" />
    </div>
  );
}
