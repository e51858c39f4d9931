import { LocalTime } from "@/components/ui/local-time";

type TimelineMessage = {
  createdAt: Date;
  acceptedAt: Date | null;
  failedAt: Date | null;
  status: string;
  cost: number;
  attempts: number;
  lastError: string | null;
  events: { id: string; type: string; occurredAt: Date; recipients: string[]; detail: unknown }[];
};

const EVENT_LABELS: Record<string, string> = {
  "email.sent": "Sent by the provider",
  "email.delivered": "Delivered",
  "email.delivery_delayed": "Delivery delayed",
  "email.bounced": "Bounced",
  "email.complained": "Marked as spam",
  "email.suppressed": "Suppressed",
  "email.opened": "Opened",
  "email.clicked": "Link clicked",
  "email.failed": "Failed at the provider",
  "email.scheduled": "Scheduled",
  "email.canceled": "Cancelled at your request · credits returned",
};

/**
 * The order things happen in, whatever the clocks say: the provider's event timestamps come from its clock
 * and can read earlier than MailKit's own "accepted" step, which must still come first.
 */
const STEP: Record<string, number> = {
  created: 0,
  accepted: 1,
  failed: 1,
  "email.scheduled": 2,
  "email.canceled": 3,
  "email.sent": 3,
  "email.delivery_delayed": 4,
  "email.delivered": 5,
  "email.bounced": 5,
  "email.suppressed": 5,
  "email.failed": 5,
  "email.complained": 6,
  "email.opened": 6,
  "email.clicked": 7,
};

type Entry = {
  key: string;
  step: number;
  at: Date;
  title: string;
  detail?: string;
  tone: "gray" | "green" | "red" | "yellow";
};

/**
 * MailKit's own steps are stamped when MailKit recorded them (acceptance: when the provider's answer arrived,
 * which can be after the provider already sent the email). Shown in step order, such a step takes the earliest
 * time of the steps after it, so the times read in the same order as the steps. Provider events keep their times.
 */
export function withConsistentTimes<E extends { key: string; at: Date }>(sortedBySteps: E[]): E[] {
  let earliestAfter = Infinity;
  for (let i = sortedBySteps.length - 1; i >= 0; i--) {
    const entry = sortedBySteps[i]!;
    if ((entry.key === "created" || entry.key === "accepted") && entry.at.getTime() > earliestAfter)
      entry.at = new Date(earliestAfter);
    earliestAfter = Math.min(earliestAfter, entry.at.getTime());
  }
  return sortedBySteps;
}

/** MailKit's own steps (held, accepted, refunded) merged with Resend's delivery events. */
export function MessageTimeline({ message }: { message: TimelineMessage }) {
  const plural = message.cost === 1 ? "" : "s";
  const entries: Entry[] = [
    {
      key: "created",
      step: STEP.created!,
      at: message.createdAt,
      title: `Queued · ${message.cost} credit${plural} held`,
      tone: "gray",
    },
  ];
  if (message.acceptedAt)
    entries.push({
      key: "accepted",
      step: STEP.accepted!,
      at: message.acceptedAt,
      title: `Accepted by the provider · ${message.cost} credit${plural} charged`,
      tone: "green",
    });
  if (message.failedAt)
    entries.push({
      key: "failed",
      step: STEP.failed!,
      at: message.failedAt,
      title: "Refused by the provider · credits returned",
      detail: message.lastError ?? undefined,
      tone: "red",
    });
  for (const e of message.events) {
    entries.push({
      key: e.id,
      step: STEP[e.type] ?? 6,
      at: e.occurredAt,
      title: EVENT_LABELS[e.type] ?? e.type,
      detail: [e.recipients.join(", "), describeDetail(e.detail)].filter(Boolean).join(" · ") || undefined,
      tone:
        e.type === "email.delivered"
          ? "green"
          : ["email.bounced", "email.complained", "email.suppressed", "email.failed"].includes(e.type)
            ? "red"
            : e.type === "email.delivery_delayed"
              ? "yellow"
              : "gray",
    });
  }
  entries.sort((a, b) => a.step - b.step || a.at.getTime() - b.at.getTime());
  withConsistentTimes(entries);
  // Still open: say what it is waiting for (the page updates itself when the status moves).
  if (message.status === "unknown" || message.status === "queued") {
    entries.push({
      key: "pending",
      step: 99,
      at: new Date(),
      title: message.status === "queued" ? "Waiting to be handed to the provider" : "Confirming with the provider",
      detail:
        message.attempts > 0
          ? `Attempt ${message.attempts}: ${message.lastError ?? "waiting for an answer"}. It is sent at most once.`
          : undefined,
      tone: "yellow",
    });
  }
  const dot = { gray: "bg-gray-500", green: "bg-green-500", red: "bg-red-500", yellow: "bg-yellow-500" };
  return (
    <ol className="relative space-y-4 border-l border-gray-200 pl-6" data-testid="message-timeline">
      {entries.map((entry) => (
        <li key={entry.key} className="relative" data-testid="timeline-entry">
          <span
            className={`absolute -left-[1.95rem] top-1.5 h-3 w-3 rounded-full ring-4 ring-surface ${dot[entry.tone]}`}
            aria-hidden
          />
          <p className="text-sm font-medium text-gray-900">{entry.title}</p>
          <p className="text-xs text-gray-500">
            <LocalTime date={entry.at} />
          </p>
          {entry.detail ? <p className="mt-0.5 text-sm text-gray-600">{entry.detail}</p> : null}
        </li>
      ))}
    </ol>
  );
}

function describeDetail(detail: unknown): string | undefined {
  if (!detail || typeof detail !== "object") return undefined;
  const d = detail as {
    bounce?: { message?: string };
    suppressed?: { message?: string };
    failed?: { reason?: string };
  };
  return d.bounce?.message ?? d.suppressed?.message ?? d.failed?.reason;
}
