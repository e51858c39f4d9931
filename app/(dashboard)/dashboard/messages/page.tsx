import type { Metadata } from "next";
import Link from "next/link";

import { SendStatusBadge } from "@/components/sending/status-badge";
import { UsageChartCard } from "@/components/sending/usage-chart";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { LocalTime } from "@/components/ui/local-time";
import { formatNumber } from "@/lib/format";
import { listMessageLog } from "@/lib/sending/queries";
import { creditBacksOf } from "@/lib/suppressions";
import { SEND_STATUSES, STATUS_LABELS, type SendStatus } from "@/lib/sending/status";
import { messageLogQuery } from "@/lib/sending/email-schema";

export const metadata: Metadata = { title: "Messages" };
export const dynamic = "force-dynamic";

export default async function MessagesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/dashboard/messages");
  const raw = await searchParams;
  const query = messageLogQuery.parse({ status: first(raw.status), page: first(raw.page) });
  const log = await listMessageLog(user.id, { status: query.status, page: query.page });
  const creditBacks = await creditBacksOf(log.items.map((m) => m.id));
  const href = (params: { status?: SendStatus; page?: number }) => {
    const search = new URLSearchParams();
    if (params.status) search.set("status", params.status);
    if (params.page && params.page > 1) search.set("page", String(params.page));
    const qs = search.toString();
    return `/dashboard/messages${qs ? `?${qs}` : ""}`;
  };

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Messages</h1>
          <p className="text-sm text-gray-500">Every email you sent from the dashboard or the API, newest first.</p>
        </div>
        <ButtonLink href="/dashboard/send">Send an email</ButtonLink>
      </div>

      <UsageChartCard userId={user.id} />

      <nav aria-label="Filter by status" className="flex flex-wrap gap-2 text-sm" data-testid="status-filter">
        <FilterLink href={href({})} active={!query.status} label="All" />
        {SEND_STATUSES.map((status) => (
          <FilterLink
            key={status}
            href={href({ status })}
            active={query.status === status}
            label={STATUS_LABELS[status]}
          />
        ))}
      </nav>

      <Card>
        {log.items.length === 0 ? (
          <p className="px-6 py-8 text-center text-sm text-gray-500" data-testid="messages-empty">
            {query.status
              ? `No ${STATUS_LABELS[query.status].toLowerCase()} messages.`
              : "No messages yet. Send your first email from the composer or the API."}
          </p>
        ) : (
          <Table
            stack
            head={
              <>
                <Th>To</Th>
                <Th>Subject</Th>
                <Th>Status</Th>
                <Th align="right">Credits</Th>
                <Th>Via</Th>
                <Th>Sent</Th>
              </>
            }
          >
            {log.items.map((m) => (
              <tr key={m.id} data-testid="message-row" data-status={m.status} className="hover:bg-gray-50">
                <Td>
                  {/* Truncate inside a block: table cells ignore max-width, and squeeze instead. */}
                  <div className="max-w-[14rem] truncate" title={[...m.to, ...m.cc, ...m.bcc].join(", ")}>
                    <Link href={`/dashboard/messages/${m.id}`} className="font-medium text-brand-700 hover:underline">
                      {m.to[0]}
                    </Link>
                    {m.to.length + m.cc.length + m.bcc.length > 1 ? (
                      <span className="text-xs text-gray-500"> +{m.to.length + m.cc.length + m.bcc.length - 1}</span>
                    ) : null}
                  </div>
                </Td>
                <Td label="Subject" className="text-gray-700">
                  <div className="max-w-[18rem] truncate">{m.subject}</div>
                </Td>
                <Td label="Status">
                  <SendStatusBadge status={m.status} />
                </Td>
                <Td label="Credits" align="right" className="tabular-nums">
                  {m.status === "failed" ? 0 : formatNumber(m.cost)}
                  {creditBacks.has(m.id) ? (
                    <span className="block text-xs text-gray-500" data-testid="credited-back">
                      {formatNumber(creditBacks.get(m.id)!.credits)} credited back
                    </span>
                  ) : null}
                </Td>
                <Td label="Via" className="whitespace-nowrap text-gray-600">
                  {m.source === "api" ? `API${m.apiKey ? ` · ${m.apiKey.name}` : ""}` : "Dashboard"}
                </Td>
                <Td label="Sent" className="whitespace-nowrap text-gray-600">
                  <LocalTime date={m.createdAt} />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        {log.pageCount > 1 ? (
          <div className="flex items-center justify-between border-t border-gray-100 px-6 py-3 text-sm">
            {log.page > 1 ? (
              <Link
                href={href({ status: query.status, page: log.page - 1 })}
                className="font-medium text-brand-700"
                data-testid="page-newer"
              >
                ← Newer
              </Link>
            ) : (
              <span />
            )}
            <span className="text-gray-500">
              Page {log.page} of {log.pageCount} · {formatNumber(log.total)} messages
            </span>
            {log.page < log.pageCount ? (
              <Link
                href={href({ status: query.status, page: log.page + 1 })}
                className="font-medium text-brand-700"
                data-testid="page-older"
              >
                Older →
              </Link>
            ) : (
              <span />
            )}
          </div>
        ) : null}
      </Card>
    </>
  );
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function FilterLink({ href, active, label }: { href: string; active: boolean; label: string }) {
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded-full px-3 py-1 font-medium ring-1 ring-inset ${active ? "bg-brand-600 text-white ring-brand-600" : "bg-surface text-gray-700 ring-gray-300 hover:bg-gray-50"}`}
    >
      {label}
    </Link>
  );
}
