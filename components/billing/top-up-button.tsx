import { buttonClass } from "@/components/ui/button";

/**
 * Starts a Top-Up Pack checkout: a plain form POST to the route handler, which answers with a redirect to
 * Dodo's hosted checkout. Works without JavaScript.
 */
export function TopUpButton({
  label = "Buy a top-up pack · $9",
  variant = "primary" as const,
  size = "md" as const,
}: {
  label?: string;
  variant?: "primary" | "secondary";
  size?: "sm" | "md";
}) {
  return (
    <form action="/api/checkout/topup" method="post">
      <button type="submit" className={buttonClass(variant, size)} data-testid="top-up-button">
        {label}
      </button>
    </form>
  );
}

export function SubscribeButton({ label = "Subscribe · $19/month" }: { label?: string }) {
  return (
    <form action="/api/checkout/subscribe" method="post">
      <button type="submit" className={buttonClass("primary")} data-testid="subscribe-button">
        {label}
      </button>
    </form>
  );
}
