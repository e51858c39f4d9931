import type { Metadata } from "next";

import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import {
  dailySeries,
  DELIVERABILITY_DAYS,
  deliverabilityRows,
  THRESHOLDS,
  totalsOf,
  withRates,
} from "@/lib/deliverability";
import { listDomainTracking } from "@/lib/domains/tracking";
import { formatNumber } from "@/lib/format";

import { setTrackingAction } from "./actions";
import { formatRate, RateChart } from "./rate-chart";
import { TrackingForm } from "./tracking-form";

export const metadata: Metadata = { title: "Deliverability" };
export const dynamic = "force-dynamic";

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function DeliverabilityPage({ searchParams }: PageProps) {
  const user = await requireUser("/dashboard/deliverability");
  const params = await searchParams;
  const days = DELIVERABILITY_DAYS.find((d) => String(d) === params.days) ?? 30;
  const [allRows, domains] = await Promise.all([deliverabilityRows(user.id, days), listDomainTracking(user.id)]);
  const domainNames = [...new Set([...domains.map((d) => d.name), ...allRows.map((r) => r.domain)])].sort();
  const domain = typeof params.domain === "string" && domainNames.includes(params.domain) ? params.domain : "";
  const rows = domain ? allRows.filter((r) => r.domain === domain) : allRows;
  const totals = totalsOf(rows);
  const series = dailySeries(rows, days);
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Deliverability</h1>
        <p className="text-sm text-gray-500">
          What mailbox providers did with your mail, per day (UTC) and sender domain. Keep bounces under{" "}
          {formatRate(THRESHOLDS.bounceRate)} and complaints under {formatRate(THRESHOLDS.complaintRate)}: above them
          providers start filtering or refusing your mail.
        </p>
      </div>

      <form method="get" className="flex flex-wrap items-end gap-3" data-testid="deliverability-filter">
        <div>
          <label htmlFor="deliverability-domain" className="mb-1.5 block text-sm font-medium text-gray-800">
            Sender domain
          </label>
          <select
            id="deliverability-domain"
            name="domain"
            defaultValue={domain}
            className="rounded-md border border-gray-300 bg-surface px-3 py-2 text-sm text-gray-900"
          >
            <option value="">All domains</option>
            {domainNames.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="deliverability-days" className="mb-1.5 block text-sm font-medium text-gray-800">
            Period
          </label>
          <select
            id="deliverability-days"
            name="days"
            defaultValue={String(days)}
            className="rounded-md border border-gray-300 bg-surface px-3 py-2 text-sm text-gray-900"
          >
            {DELIVERABILITY_DAYS.map((d) => (
              <option key={d} value={d}>
                Last {d} days
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="secondary">
          Show
        </Button>
      </form>

      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="deliverability-totals">
        <Stat label="Delivered" value={formatNumber(totals.delivered)} testId="total-delivered" />
        <Stat label="Bounced" value={formatNumber(totals.bounced)} testId="total-bounced" />
        <Stat
          label="Bounce rate"
          value={formatRate(totals.bounceRate)}
          alert={totals.bounceRate > THRESHOLDS.bounceRate}
          testId="total-bounce-rate"
        />
        <Stat
          label="Complaint rate"
          value={formatRate(totals.complaintRate)}
          alert={totals.complaintRate > THRESHOLDS.complaintRate}
          testId="total-complaint-rate"
        />
        <Stat label="Opened" value={formatNumber(totals.opened)} testId="total-opened" />
        <Stat label="Clicked" value={formatNumber(totals.clicked)} testId="total-clicked" />
      </dl>

      <Card>
        <CardHeader
          title="Bounce rate per day"
          description={`Bounced ÷ (delivered + bounced) recipients. Providers act from about ${formatRate(THRESHOLDS.bounceRate)}.`}
        />
        <CardBody>
          <RateChart
            id="bounce"
            title={`Bounce rate per day, last ${days} days${domain ? `, ${domain}` : ""}`}
            points={series.map((d) => ({ day: d.day, rate: d.bounceRate, volume: d.delivered + d.bounced }))}
            threshold={THRESHOLDS.bounceRate}
            thresholdLabel={`${formatRate(THRESHOLDS.bounceRate)} limit`}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader
          title="Complaint rate per day"
          description={`Spam complaints ÷ delivered recipients. Gmail and Yahoo require under ${formatRate(THRESHOLDS.complaintRate)}.`}
        />
        <CardBody>
          <RateChart
            id="complaint"
            title={`Complaint rate per day, last ${days} days${domain ? `, ${domain}` : ""}`}
            points={series.map((d) => ({ day: d.day, rate: d.complaintRate, volume: d.delivered }))}
            threshold={THRESHOLDS.complaintRate}
            thresholdLabel={`${formatRate(THRESHOLDS.complaintRate)} limit`}
          />
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="By day and domain" description="Days with delivery events, newest first." />
        {rows.length === 0 ? (
          <p className="px-6 py-5 text-sm text-gray-500">No delivery events in this period.</p>
        ) : (
          <Table
            stack
            head={
              <>
                <Th>Day</Th>
                <Th>Domain</Th>
                <Th align="right">Delivered</Th>
                <Th align="right">Bounced</Th>
                <Th align="right">Complained</Th>
                <Th align="right">Opened</Th>
                <Th align="right">Clicked</Th>
              </>
            }
          >
            {[...rows].reverse().map((row) => {
              const r = withRates(row);
              return (
                <tr key={`${row.day}/${row.domain}`} data-testid="deliverability-row" data-day={row.day}>
                  <Td className="whitespace-nowrap font-medium">{row.day}</Td>
                  <Td label="Domain" className="font-mono text-xs">
                    {row.domain}
                  </Td>
                  <Td label="Delivered" align="right">
                    {formatNumber(r.delivered)}
                  </Td>
                  <Td label="Bounced" align="right">
                    {formatNumber(r.bounced)}{" "}
                    <span
                      className={r.bounceRate > THRESHOLDS.bounceRate ? "font-semibold text-red-700" : "text-gray-500"}
                    >
                      ({formatRate(r.bounceRate)})
                    </span>
                  </Td>
                  <Td label="Complained" align="right">
                    {formatNumber(r.complained)}{" "}
                    <span
                      className={
                        r.complaintRate > THRESHOLDS.complaintRate ? "font-semibold text-red-700" : "text-gray-500"
                      }
                    >
                      ({formatRate(r.complaintRate)})
                    </span>
                  </Td>
                  <Td label="Opened" align="right">
                    {formatNumber(r.opened)}
                  </Td>
                  <Td label="Clicked" align="right">
                    {formatNumber(r.clicked)}
                  </Td>
                </tr>
              );
            })}
          </Table>
        )}
      </Card>

      <Card>
        <CardHeader
          title="Open and click tracking"
          description="Set per domain in Resend: it adds a tracking pixel and rewrites links in mail from that domain, and reports opens and clicks, counted above."
        />
        <CardBody className="space-y-3">
          {domains.length === 0 ? (
            <p className="text-sm text-gray-500">Add a sender domain under Domains to track opens and clicks.</p>
          ) : (
            domains.map((d) => <TrackingForm key={d.id} action={setTrackingAction} domain={d} />)
          )}
        </CardBody>
      </Card>
    </>
  );
}

function Stat({ label, value, alert, testId }: { label: string; value: string; alert?: boolean; testId: string }) {
  return (
    <div className="rounded-xl bg-surface p-4 shadow-sm ring-1 ring-gray-200">
      <dt className="text-xs font-medium text-gray-500">{label}</dt>
      <dd className={`mt-1 text-xl font-semibold tabular-nums ${alert ? "text-red-700" : ""}`} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
