import Link from "next/link";

import { SendStatusBadge } from "@/components/sending/status-badge";
import { formatCount, formatNumber } from "@/lib/format";

/**
 * The previous send, as account history next to the balance rather than as a result of the (now empty) form
 * below. "Left" is the live balance, so it keeps moving with later sends and top-ups.
 */
export function LastSent({
  sendId,
  recipients,
  charged,
  status,
  balance,
  suppressed,
}: {
  sendId: string;
  recipients: number;
  charged: number;
  status: string;
  balance: number;
  suppressed: string[];
}) {
  return (
    <section
      aria-labelledby="last-sent-title"
      className="border-t border-gray-100 pt-3 text-sm"
      data-testid="last-sent"
    >
      <h2 id="last-sent-title" className="text-xs font-semibold uppercase tracking-wide text-gray-500">
        Last sent
      </h2>
      <p data-testid="send-result" className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-gray-700">
        <span>To {formatCount(recipients, "recipient")}:</span>
        <SendStatusBadge status={status} />
        <span data-testid="balance-after-send" className="tabular-nums">
          −{formatCount(charged, "credit")} · {formatNumber(balance)} left
        </span>
        <Link className="font-medium text-brand-700 underline" href={`/dashboard/messages/${sendId}`}>
          View message
        </Link>
      </p>
      {suppressed.length ? (
        <p data-testid="send-suppressed" className="mt-1 text-gray-600">
          Not sent to {suppressed.join(", ")}: on your{" "}
          <Link className="font-medium underline" href="/dashboard/suppressions">
            suppression list
          </Link>{" "}
          (not charged).
        </p>
      ) : null}
    </section>
  );
}
