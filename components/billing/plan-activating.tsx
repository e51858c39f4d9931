import { LoaderCircle } from "lucide-react";

/** The words of that state, for pages that show it at their own size (the checkout return page). */
export const PLAN_ACTIVATING = {
  title: "Plan activating…",
  detail: "Dodo Payments confirmed your payment; your plan and credits appear here in a moment.",
};

/** The one "plan activating…" state: Dodo confirmed the checkout, its webhooks have not all reached MailKit. */
export function PlanActivating({ compact = false }: { compact?: boolean }) {
  return (
    <p className="flex items-center gap-2 text-sm text-gray-700" role="status" data-testid="plan-activating">
      <LoaderCircle className="h-4 w-4 shrink-0 motion-safe:animate-spin text-brand-700" aria-hidden />
      <span>
        <strong className="font-semibold">{PLAN_ACTIVATING.title}</strong>
        {compact ? null : ` ${PLAN_ACTIVATING.detail}`}
      </span>
    </p>
  );
}
