import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { formatCount, formatNumber } from "@/lib/format";
import { getDailyUsage, type DailyUsage } from "@/lib/sending/queries";

/** Sends per day as plain CSS bars (no chart library). Give it the rows of getDailyUsage(). */
export function UsageChart({ days }: { days: DailyUsage[] }) {
  const max = Math.max(1, ...days.map((d) => d.sends));
  const totalSends = days.reduce((n, d) => n + d.sends, 0);
  const totalCredits = days.reduce((n, d) => n + d.credits, 0);
  const first = days[0]?.day;
  const last = days.at(-1)?.day;
  return (
    <figure data-testid="usage-chart" aria-label={`Sends per day, last ${days.length} days`}>
      <div
        className="flex h-32 items-end gap-[3px]"
        role="img"
        aria-label={`${formatNumber(totalSends)} emails in the last ${days.length} days`}
      >
        {days.map((d) => (
          <div
            key={d.day}
            className="group relative flex h-full flex-1 items-end"
            title={`${d.day}: ${formatNumber(d.sends)} emails, ${formatNumber(d.credits)} credits`}
          >
            <div
              className={`w-full rounded-t-sm ${d.sends > 0 ? "bg-brand-500 group-hover:bg-brand-700" : "bg-gray-100"}`}
              style={{ height: d.sends > 0 ? `${Math.max(4, (d.sends / max) * 100)}%` : "2px" }}
              data-day={d.day}
              data-sends={d.sends}
            />
          </div>
        ))}
      </div>
      <figcaption className="mt-2 flex justify-between gap-2 text-xs text-gray-500">
        <span className="whitespace-nowrap">{first}</span>
        <span className="text-center">
          {formatCount(totalSends, "email")} · {formatCount(totalCredits, "credit")} · peak{" "}
          {formatNumber(max === 1 && totalSends === 0 ? 0 : max)}/day
        </span>
        <span className="whitespace-nowrap">{last}</span>
      </figcaption>
    </figure>
  );
}

/** The chart in a card for a user (server component): drop it on any dashboard page. */
export async function UsageChartCard({ userId, days = 30 }: { userId: string; days?: number }) {
  const usage = await getDailyUsage(userId, days);
  return (
    <Card>
      <CardHeader title="Sends per day" description={`Emails accepted in the last ${days} days (UTC).`} />
      <CardBody>
        <UsageChart days={usage} />
      </CardBody>
    </Card>
  );
}
