import type { Metadata } from "next";
import Link from "next/link";

import { SendStatusBadge } from "@/components/sending/status-badge";
import { UsageChartCard } from "@/components/sending/usage-chart";
import { Alert } from "@/components/ui/alert";
import { Button, ButtonLink, buttonClass } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Input, Label } from "@/components/ui/input";
import { LocalTime } from "@/components/ui/local-time";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";
import {
  isFiltered,
  MAX_SEARCH_LENGTH,
  messageFilterQuery,
  parseMessageFilter,
  type MessageFilter,
} from "@/lib/sending/message-filter";
import { listMessageLog, MESSAGE_EXPORT_MAX_ROWS } from "@/lib/sending/queries";
import { SEND_STATUSES, STATUS_DESCRIPTIONS, STATUS_LABELS } from "@/lib/mail/status";
import { creditBacksOf } from "@/lib/suppressions";

export const metadata: Metadata = { title: "Messages" };
export const dynamic = "force-dynamic";

export default async function MessagesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/dashboard/messages");
  const { filter, problem } = parseMessageFilter(await searchParams);
  // A filter nobody could have meant (NUL, a 10 KB search, 2026-02-31) reaches no query: it says what is wrong.
  const log = problem ? { items: [], total: 0, page: 1, pageCount: 1 } : await listMessageLog(user.id, filter);
  const creditBacks = await creditBacksOf(log.items.map((m) => m.id));
  const href = (changes: Partial<MessageFilter>, page?: number) =>
    `/dashboard/messages${messageFilterQuery({ ...filter, ...changes }, { page })}`;
  const filtered = isFiltered(filter);

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

      <MessageSearch
        filter={filter}
        exportHref={`/dashboard/messages/export${messageFilterQuery(filter)}`}
        total={log.total}
      />

      <nav aria-label="Filter by status" className="flex flex-wrap gap-2 text-sm" data-testid="status-filter">
        <FilterLink href={href({ status: undefined })} active={!filter.status} label="All" />
        {SEND_STATUSES.map((status) => (
          <FilterLink
            key={status}
            href={href({ status })}
            active={filter.status === status}
            label={STATUS_LABELS[status]}
          />
        ))}
      </nav>

      <details className="text-sm text-gray-600" data-testid="status-legend">
        <summary className="cursor-pointer font-medium text-gray-700">What the statuses mean</summary>
        <dl className="mt-2 grid gap-x-4 gap-y-1 sm:grid-cols-[8rem_1fr]">
          {SEND_STATUSES.map((status) => (
            <div key={status} className="contents">
              <dt className="font-medium text-gray-800">{STATUS_LABELS[status]}</dt>
              <dd data-testid={`status-legend-${status}`}>{STATUS_DESCRIPTIONS[status]}</dd>
            </div>
          ))}
        </dl>
      </details>

      {problem ? (
        <Alert tone="error" title="This search cannot run">
          <span data-testid="messages-filter-problem">{problem}</span>
        </Alert>
      ) : null}

      <Card>
        {log.items.length === 0 ? (
          <p className="px-6 py-8 text-center text-sm text-gray-500" data-testid="messages-empty">
            {problem
              ? "Fix the search above to see your messages."
              : filtered
                ? "No messages match this search."
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
                <Th>Sent</Th>
              </>
            }
          >
            {log.items.map((m) => {
              const recipients = [...m.to, ...m.cc, ...m.bcc];
              return (
                <tr
                  key={m.id}
                  data-testid="message-row"
                  data-id={m.id}
                  data-status={m.status}
                  className="hover:bg-gray-50"
                >
                  <Td>
                    {/* Truncate inside a block: table cells ignore max-width, and squeeze instead. */}
                    <div className="max-w-[11rem] truncate" title={recipients.join(", ")}>
                      <Link href={`/dashboard/messages/${m.id}`} className="font-medium text-brand-700 hover:underline">
                        {m.to[0]}
                      </Link>
                      {recipients.length > 1 ? (
                        <span className="text-xs text-gray-500"> +{recipients.length - 1}</span>
                      ) : null}
                    </div>
                  </Td>
                  <Td label="Subject" className="text-gray-700">
                    <div className="max-w-[14rem] truncate" title={m.subject}>
                      {m.subject}
                    </div>
                  </Td>
                  <Td label="Status">
                    <SendStatusBadge status={m.status} />
                  </Td>
                  <Td label="Credits" align="right" className="tabular-nums">
                    {m.status === "failed" || m.status === "canceled" ? 0 : formatNumber(m.cost)}
                    {creditBacks.has(m.id) ? (
                      <span className="block text-xs text-gray-500" data-testid="credited-back">
                        {formatNumber(creditBacks.get(m.id)!.credits)} credited back
                      </span>
                    ) : null}
                  </Td>
                  <Td label="Sent" className="text-gray-600">
                    <span className="whitespace-nowrap">
                      <LocalTime date={m.createdAt} />
                    </span>
                    <span className="block max-w-[11rem] truncate text-xs text-gray-500">
                      {m.source === "api" ? `API${m.apiKeyName ? ` · ${m.apiKeyName}` : ""}` : "Dashboard"}
                    </span>
                  </Td>
                </tr>
              );
            })}
          </Table>
        )}
        <Pager
          newerHref={log.page > 1 ? href({}, log.page - 1) : undefined}
          olderHref={log.page < log.pageCount ? href({}, log.page + 1) : undefined}
        >
          Page {log.page} of {log.pageCount} · {formatNumber(log.total)} messages
        </Pager>
      </Card>
    </>
  );
}

/** A plain GET form: the filter lives in the URL, so a search can be bookmarked, shared and exported as is. */
function MessageSearch({ filter, exportHref, total }: { filter: MessageFilter; exportHref: string; total: number }) {
  const capped = total > MESSAGE_EXPORT_MAX_ROWS;
  return (
    <Card>
      <form
        method="get"
        action="/dashboard/messages"
        role="search"
        aria-label="Search messages"
        className="flex flex-wrap items-end gap-3 px-6 py-4"
      >
        {filter.status ? <input type="hidden" name="status" value={filter.status} /> : null}
        <div className="min-w-[12rem] flex-[2_1_16rem]">
          <Label htmlFor="message-search">Search</Label>
          <Input
            id="message-search"
            name="q"
            type="search"
            maxLength={MAX_SEARCH_LENGTH}
            defaultValue={filter.search ?? ""}
            placeholder="Recipient, subject or message id"
          />
        </div>
        <div className="flex-[1_1_9rem]">
          <Label htmlFor="message-from">From (UTC)</Label>
          <Input id="message-from" name="from" type="date" defaultValue={filter.from ?? ""} />
        </div>
        <div className="flex-[1_1_9rem]">
          <Label htmlFor="message-to">To (UTC)</Label>
          <Input id="message-to" name="to" type="date" defaultValue={filter.to ?? ""} />
        </div>
        <div className="flex flex-wrap gap-2">
          <Button type="submit">Search</Button>
          {isFiltered(filter) ? (
            <ButtonLink href="/dashboard/messages" variant="ghost">
              Clear
            </ButtonLink>
          ) : null}
          <a
            href={exportHref}
            download
            className={buttonClass("secondary")}
            data-testid="messages-export"
            title={`Download the ${capped ? `newest ${formatNumber(MESSAGE_EXPORT_MAX_ROWS)}` : formatNumber(total)} matching messages as CSV`}
          >
            Export CSV
          </a>
        </div>
      </form>
      {capped ? (
        <p className="border-t border-gray-100 px-6 py-2 text-xs text-gray-500">
          The export holds the newest {formatNumber(MESSAGE_EXPORT_MAX_ROWS)} of these {formatNumber(total)} messages;
          narrow the dates to export the rest.
        </p>
      ) : null}
    </Card>
  );
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
