import { logger } from "@/lib/runtime/log";
import type { SessionUser } from "@/lib/auth/session";
import { getDodo, isNotFound } from "@/lib/dodo/client";

export type PaymentMethodOnFile = { network: string; last4: string; expires: string | null } | null;

/**
 * The card Dodo saved for the customer (what auto top-up charges), or null. Unknown (Dodo unreachable) is reported
 * as such, never as "no card".
 */
export async function getPaymentMethodOnFile(
  user: SessionUser,
): Promise<{ ok: true; method: PaymentMethodOnFile } | { ok: false }> {
  if (!user.dodoCustomerId) return { ok: true, method: null };
  try {
    const { items } = await getDodo().customers.retrievePaymentMethods(user.dodoCustomerId);
    const usable = items
      .filter((m) => m.recurring_enabled !== false)
      .sort((a, b) => (b.last_used_at ?? "").localeCompare(a.last_used_at ?? ""));
    const card = usable[0]?.card;
    if (!usable[0]) return { ok: true, method: null };
    return {
      ok: true,
      method: {
        network: card?.card_network ?? usable[0].payment_method,
        last4: card?.last4_digits ?? "••••",
        expires: card?.expiry_month && card.expiry_year ? `${card.expiry_month}/${card.expiry_year.slice(-2)}` : null,
      },
    };
  } catch (error) {
    if (isNotFound(error)) return { ok: true, method: null };
    logger("billing").error({ err: error }, "payment method read failed");
    return { ok: false };
  }
}
