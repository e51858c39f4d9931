import { Badge } from "@/components/ui/badge";

const LABELS: Record<string, { label: string; tone: "gray" | "green" | "yellow" | "red" }> = {
  not_started: { label: "Not started", tone: "gray" },
  pending: { label: "Pending", tone: "yellow" },
  verified: { label: "Verified", tone: "green" },
  failed: { label: "Failed", tone: "red" },
  temporary_failure: { label: "Temporary failure", tone: "yellow" },
  partially_verified: { label: "Partially verified", tone: "yellow" },
  partially_failed: { label: "Partially failed", tone: "red" },
};

/** A domain's or a DNS record's status as Resend reports it. */
export function DomainStatusBadge({ status }: { status: string }) {
  const { label, tone } = LABELS[status] ?? { label: status, tone: "gray" as const };
  return <Badge tone={tone}>{label}</Badge>;
}
