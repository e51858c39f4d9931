import { useId } from "react";

import { buttonClass } from "@/components/ui/button";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";

/**
 * Starts a Top-Up Pack checkout: a plain form POST to the route handler, which answers with a redirect to
 * Dodo's hosted checkout. Works without JavaScript. The caption states what is bought, expiry included, and
 * is the button's accessible description.
 */
export function TopUpButton({
  label = `Buy a top-up pack · ${PRODUCT_COPY.topUpPrice}`,
  variant = "primary" as const,
  size = "md" as const,
  caption = true,
}: {
  label?: string;
  variant?: "primary" | "secondary";
  size?: "sm" | "md";
  caption?: boolean;
}) {
  const captionId = useId();
  return (
    <form action="/api/checkout/topup" method="post">
      <button
        type="submit"
        className={buttonClass(variant, size)}
        data-testid="top-up-button"
        aria-describedby={caption ? captionId : undefined}
      >
        {label}
      </button>
      {caption ? (
        <p className="mt-1 text-xs opacity-80" data-testid="top-up-caption" id={captionId}>
          +{PRODUCT_COPY.topUpCredits} credits · expire after {PRODUCT.credits.expiresAfterDays} days
        </p>
      ) : null}
    </form>
  );
}

export function SubscribeButton({ label = `Subscribe · ${PRODUCT_COPY.planPrice}/month` }: { label?: string }) {
  return (
    <form action="/api/checkout/subscribe" method="post">
      <button type="submit" className={buttonClass("primary")} data-testid="subscribe-button">
        {label}
      </button>
    </form>
  );
}
