import type { Refund, RefundCreateParams } from "dodopayments/resources/refunds";

import type { DodoEngine } from "./engine";
import { conflict, notFound, unprocessable } from "./errors";
import { newId } from "./state";

/**
 * Refunds (`POST /refunds`): the whole payment, or part of it with `items` (amounts in the smallest unit). A refund
 * succeeds at once here; Dodo lists it in the payment's `refunds`, sets `refund_status` (`partial` | `full`) and sends
 * `refund.succeeded`. Credits the payment granted stay where they are: Dodo does not claw them back.
 */
export function createRefund(engine: DodoEngine, params: RefundCreateParams): Refund {
  const payment = engine.state.payments[params.payment_id];
  if (!payment) throw notFound(`Payment ${params.payment_id} not found`);
  if (payment.status !== "succeeded") throw unprocessable("payment_id: only a succeeded payment can be refunded");
  const refunded = payment.refunds.reduce((sum, r) => sum + (r.status === "succeeded" ? (r.amount ?? 0) : 0), 0);
  const left = payment.total_amount - refunded;
  if (left <= 0) throw conflict("PAYMENT_ALREADY_REFUNDED", "Payment is already fully refunded");
  let amount = left;
  if (params.items?.length) {
    amount = 0;
    for (const [i, item] of params.items.entries()) {
      if (item.amount != null && (!Number.isInteger(item.amount) || item.amount <= 0))
        throw unprocessable(`items[${i}].amount: must be a positive integer`);
      amount += item.amount ?? left;
    }
    if (amount > left) throw unprocessable(`items: the refund exceeds what is left to refund (${left})`);
  }
  const now = engine.nowIso();
  const refund: Refund = {
    brand_id: payment.brand_id,
    business_id: payment.business_id,
    created_at: now,
    customer: payment.customer,
    is_partial: amount < payment.total_amount,
    metadata: params.metadata ?? {},
    payment_id: payment.payment_id,
    refund_id: newId("ref_"),
    status: "succeeded",
    amount,
    currency: payment.currency,
    reason: params.reason ?? null,
  };
  payment.refunds.push({
    business_id: refund.business_id,
    created_at: now,
    is_partial: refund.is_partial,
    payment_id: refund.payment_id,
    refund_id: refund.refund_id,
    status: refund.status,
    amount,
    currency: refund.currency,
    reason: refund.reason,
  });
  payment.refund_status = refunded + amount >= payment.total_amount ? "full" : "partial";
  payment.updated_at = now;
  engine.save();
  engine.emit("refund.succeeded", { ...refund, payload_type: "Refund" });
  return refund;
}
