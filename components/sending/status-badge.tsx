import { Badge } from "@/components/ui/badge";
import { isSendStatus, STATUS_DESCRIPTIONS, STATUS_LABELS, type SendStatus } from "@/lib/mail/status";

const TONES: Record<SendStatus, "gray" | "green" | "yellow" | "red" | "blue"> = {
  queued: "gray",
  unknown: "yellow",
  failed: "red",
  canceled: "gray",
  scheduled: "blue",
  sent: "blue",
  delivery_delayed: "yellow",
  delivered: "green",
  bounced: "red",
  complained: "red",
  suppressed: "red",
};

export function SendStatusBadge({ status }: { status: string }) {
  if (!isSendStatus(status)) return <Badge>{status}</Badge>;
  return (
    <span data-testid="send-status" data-status={status} title={STATUS_DESCRIPTIONS[status]}>
      <Badge tone={TONES[status]}>{STATUS_LABELS[status]}</Badge>
    </span>
  );
}
