import { sql } from "@/lib/db";
import { takeResendSlot } from "@/lib/resend/budget";
import { getResend } from "@/lib/resend/client";
import { applyReconciledEvent, type EmailEvent } from "@/lib/sending/delivery-events";

/**
 * Reconciliation: a send whose delivery webhooks were lost would stay `sent` forever. Each pass takes a few sends
 * that have been `sent` (or `delivery_delayed`) for longer than the window, asks Resend (`emails.get`, within the
 * shared Resend budget) where each one is, and applies the answer as the webhook would have (lib/sending/delivery-events.ts:
 * the same handler, the same status order, suppressions and credit-backs included). Each send is leased by the
 * pass that claims it (its `updatedAt` moves), so instances do not ask twice, and one is asked again at most once
 * per window.
 */

export const RECONCILE_LOOP = "reconcile";

export const RECONCILE = {
  /** A send is asked about once it has had no news for this long. */
  stuckAfterMs: 3600_000,
  /** Sends asked about per pass (each takes one slot of the shared Resend budget). */
  perPass: 20,
  /** A pass stops rather than wait longer than this for a Resend slot (sending comes first). */
  maxSlotWaitMs: 2_000,
};

// Claims the stuck sends: no status change for the window (by their newest event, or their acceptance), and not
// asked about within the window (updatedAt is moved by the claim).
const CLAIM_SQL = `
UPDATE "EmailSend" s SET "updatedAt" = now()
WHERE s."id" IN (
  SELECT x."id" FROM "EmailSend" x
  WHERE x."status" IN ('sent', 'delivery_delayed') AND x."resendId" IS NOT NULL
    AND COALESCE(x."lastEventAt", x."acceptedAt", x."createdAt") < now() - $1 * interval '1 millisecond'
    AND x."updatedAt" < now() - $1 * interval '1 millisecond'
  ORDER BY x."updatedAt"
  LIMIT $2
  FOR UPDATE SKIP LOCKED
)
RETURNING s."id", s."resendId"`;

/** The webhook event Resend's `last_event` stands for (null: nothing newer than `sent` to apply). */
const EVENT_BY_LAST_EVENT: Record<string, EmailEvent["type"] | null> = {
  delivered: "email.delivered",
  opened: "email.delivered",
  clicked: "email.delivered",
  delivery_delayed: "email.delivery_delayed",
  bounced: "email.bounced",
  complained: "email.complained",
  suppressed: "email.suppressed",
  failed: "email.failed",
};

export type ReconcileOptions = Partial<typeof RECONCILE>;

/** One pass; returns how many sends moved. Resend errors leave a send for a later pass. */
export async function reconcilePass(options: ReconcileOptions = {}): Promise<number> {
  const { stuckAfterMs, perPass, maxSlotWaitMs } = { ...RECONCILE, ...options };
  const stuck = await sql<{ id: string; resendId: string }>(CLAIM_SQL, [stuckAfterMs, perPass]);
  let moved = 0;
  for (const send of stuck) {
    const waitMs = await takeResendSlot();
    if (waitMs > maxSlotWaitMs) break; // the budget is busy with sends: the rest wait for a later pass
    if (waitMs > 0) await new Promise((resolve) => setTimeout(resolve, waitMs));
    const { data, error } = await getResend().emails.get(send.resendId);
    if (error || !data) continue;
    const type = EVENT_BY_LAST_EVENT[data.last_event] ?? null;
    if (!type) continue;
    const bounce = (data as { bounce?: unknown }).bounce;
    const event = {
      type,
      created_at: new Date().toISOString(),
      data: {
        email_id: send.resendId,
        created_at: data.created_at,
        to: data.to,
        ...(type === "email.bounced" && bounce ? { bounce } : {}),
      },
    } as EmailEvent;
    const outcome = await applyReconciledEvent(event, `reconcile:${send.resendId}:${data.last_event}`);
    if (outcome !== "duplicate" && outcome.outcome !== "recorded" && outcome.outcome !== "ignored") moved++;
  }
  return moved;
}
