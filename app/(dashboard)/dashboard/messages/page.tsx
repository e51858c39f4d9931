import type { Metadata } from "next";
import Link from "next/link";

import { SendStatusBadge } from "@/components/sending/status-badge";
import { UsageChartCard } from "@/components/sending/usage-chart";
import { ButtonLink } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime, formatNumber } from "@/lib/format";
import { listMessageLog } from "@/lib/sending/queries";
import { SEND_STATUSES, STATUS_LABELS, type SendStatus } from "@/lib/sending/status";
import { messageLogQuery } from "@/lib/validations/email";

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
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <thead className="text-xs uppercase text-gray-500">
                <tr>
                  <th className="px-6 py-2 font-medium">To</th>
                  <th className="px-6 py-2 font-medium">Subject</th>
                  <th className="px-6 py-2 font-medium">Status</th>
                  <th className="px-6 py-2 text-right font-medium">Credits</th>
                  <th className="px-6 py-2 font-medium">Via</th>
                  <th className="px-6 py-2 font-medium">Sent</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {log.items.map((m) => (
                  <tr key={m.id} data-testid="message-row" className="hover:bg-gray-50">
                    <td className="max-w-[14rem] truncate px-6 py-3">
                      <Link href={`/dashboard/messages/${m.id}`} className="font-medium text-brand-700 hover:underline">
                        {m.to.join(", ")}
                      </Link>
                      {m.cc.length + m.bcc.length > 0 ? (
                        <span className="text-xs text-gray-500"> +{m.cc.length + m.bcc.length}</span>
                      ) : null}
                    </td>
                    <td className="max-w-[18rem] truncate px-6 py-3 text-gray-700">{m.subject}</td>
                    <td className="px-6 py-3">
                      <SendStatusBadge status={m.status} />
                    </td>
                    <td className="px-6 py-3 text-right tabular-nums">
                      {m.status === "failed" ? 0 : formatNumber(m.cost)}
                    </td>
                    <td className="px-6 py-3 text-gray-600">
                      {m.source === "api" ? `API${m.apiKey ? ` · ${m.apiKey.name}` : ""}` : "Dashboard"}
                    </td>
                    <td className="whitespace-nowrap px-6 py-3 text-gray-600">{formatDateTime(m.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
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
      className={`rounded-full px-3 py-1 font-medium ring-1 ring-inset ${active ? "bg-brand-600 text-white ring-brand-600" : "bg-white text-gray-700 ring-gray-300 hover:bg-gray-50"}`}
    >
      {label}
    </Link>
  );
}
