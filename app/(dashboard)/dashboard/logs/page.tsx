import type { Metadata } from "next";
import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { LocalTime } from "@/components/ui/local-time";
import { Pager } from "@/components/ui/pager";
import { Table, Td, Th } from "@/components/ui/table";
import { listApiKeys } from "@/lib/keys/api-keys";
import { requireUser } from "@/lib/auth/session";
import { listRequestLog, REQUEST_LOG_DAYS, statusRange, type RequestLogFilter } from "@/lib/request-log";
import { isCleanText } from "@/lib/text";

export const metadata: Metadata = { title: "Logs" };
export const dynamic = "force-dynamic";

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const STATUS_CLASSES = ["2xx", "4xx", "5xx"];

/** The query's filters, each dropped when it is not something the log could match. */
function filterOf(params: Record<string, string | string[] | undefined>): RequestLogFilter {
  const text = (name: string, max: number) => {
    const value = params[name];
    return typeof value === "string" && value.trim() && value.length <= max && isCleanText(value)
      ? value.trim()
      : undefined;
  };
  const status = text("status", 3);
  const before = text("before", 40);
  const beforeDate = before ? new Date(before) : undefined;
  return {
    status: status && statusRange(status) ? status : undefined,
    keyId: text("key", 100),
    path: text("path", 200),
    email: text("email", 100),
    before: beforeDate && !Number.isNaN(beforeDate.getTime()) ? beforeDate : undefined,
  };
}

export default async function LogsPage({ searchParams }: PageProps) {
  const user = await requireUser("/dashboard/logs");
  const filter = filterOf(await searchParams);
  const [{ entries, more }, keys] = await Promise.all([listRequestLog(user.id, filter), listApiKeys(user.id)]);
  const older = new URLSearchParams(
    Object.entries({ ...filter, before: entries.at(-1)?.createdAt.toISOString() }).flatMap(([name, value]) =>
      value ? [[name === "keyId" ? "key" : name, String(value)]] : [],
    ),
  );
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Logs</h1>
        <p className="text-sm text-gray-500">
          Every request your API keys made in the last {REQUEST_LOG_DAYS} days, answered or refused, with its body
          (message content and secrets left out) and the error it got.
        </p>
      </div>

      <form method="get" className="flex flex-wrap items-end gap-3" data-testid="logs-filter">
        <div>
          <label htmlFor="logs-status" className="mb-1.5 block text-sm font-medium text-gray-800">
            Status
          </label>
          <Input
            id="logs-status"
            name="status"
            list="logs-status-classes"
            defaultValue={filter.status ?? ""}
            placeholder="4xx, 402…"
            maxLength={3}
            className="w-28"
          />
          <datalist id="logs-status-classes">
            {STATUS_CLASSES.map((s) => (
              <option key={s} value={s} />
            ))}
          </datalist>
        </div>
        <div>
          <label htmlFor="logs-key" className="mb-1.5 block text-sm font-medium text-gray-800">
            API key
          </label>
          <select
            id="logs-key"
            name="key"
            defaultValue={filter.keyId ?? ""}
            className="rounded-md border border-gray-300 bg-surface px-3 py-2 text-sm text-gray-900"
          >
            <option value="">All keys</option>
            {keys.map((key) => (
              <option key={key.id} value={key.id}>
                {key.name} ({key.prefix}…){key.revokedAt ? " – revoked" : ""}
              </option>
            ))}
          </select>
        </div>
        <div className="min-w-48 flex-1">
          <label htmlFor="logs-path" className="mb-1.5 block text-sm font-medium text-gray-800">
            Path contains
          </label>
          <Input
            id="logs-path"
            name="path"
            defaultValue={filter.path ?? ""}
            placeholder="/api/emails"
            maxLength={200}
          />
        </div>
        {filter.email ? <input type="hidden" name="email" value={filter.email} /> : null}
        <Button type="submit" variant="secondary" data-testid="logs-search">
          Search
        </Button>
        {filter.status || filter.keyId || filter.path || filter.email ? (
          <Link className="py-2 text-sm font-medium text-brand-700" href="/dashboard/logs">
            Clear
          </Link>
        ) : null}
      </form>

      <Card>
        <CardHeader
          title={filter.email ? "The request that created this email" : "Requests"}
          description={filter.email ? <span className="break-all font-mono">{filter.email}</span> : "Newest first."}
        />
        {entries.length === 0 ? (
          <p className="px-6 py-5 text-sm text-gray-500" data-testid="logs-empty">
            {filter.email
              ? "No request in the log created this email (it was sent from the dashboard, or more than 30 days ago)."
              : "No requests match."}
          </p>
        ) : (
          <Table
            stack
            head={
              <>
                <Th>Request</Th>
                <Th>Status</Th>
                <Th>Key</Th>
                <Th align="right">Duration</Th>
                <Th>Time</Th>
              </>
            }
          >
            {entries.map((entry) => (
              <tr key={entry.id} data-testid="log-entry" data-status={entry.status} className="align-top">
                <Td>
                  <details>
                    <summary className="cursor-pointer break-all font-mono text-xs">
                      <span className="font-semibold">{entry.method}</span> {entry.path}
                    </summary>
                    <div className="mt-2 space-y-2">
                      {entry.errorBody ? <JsonBlock label="Error" value={entry.errorBody} testId="log-error" /> : null}
                      <JsonBlock label="Request body" value={entry.requestBody} testId="log-request-body" />
                      {entry.emailIds.length ? (
                        <p className="text-xs text-gray-600">
                          Created{" "}
                          {entry.emailIds.slice(0, 5).map((id, i) => (
                            <span key={id}>
                              {i ? ", " : ""}
                              <Link className="font-mono text-brand-700" href={`/dashboard/messages/${id}`}>
                                {id}
                              </Link>
                            </span>
                          ))}
                          {entry.emailIds.length > 5 ? ` and ${entry.emailIds.length - 5} more` : ""}
                        </p>
                      ) : null}
                    </div>
                  </details>
                </Td>
                <Td label="Status">
                  <Badge tone={entry.status < 300 ? "green" : entry.status < 500 ? "yellow" : "red"}>
                    {entry.status}
                  </Badge>
                  {entry.errorBody && typeof entry.errorBody === "object" && "name" in entry.errorBody ? (
                    <span className="ml-1 font-mono text-xs text-gray-600" data-testid="log-error-name">
                      {String((entry.errorBody as { name: unknown }).name)}
                    </span>
                  ) : null}
                </Td>
                <Td label="Key">
                  {entry.key ? (
                    <span>
                      {entry.key.name} <span className="font-mono text-xs text-gray-500">{entry.key.prefix}…</span>
                    </span>
                  ) : (
                    <span className="text-gray-500">Deleted key</span>
                  )}
                </Td>
                <Td label="Duration" align="right" className="tabular-nums">
                  {entry.durationMs} ms
                </Td>
                <Td label="Time" className="whitespace-nowrap">
                  <LocalTime date={entry.createdAt} />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        <Pager olderHref={more ? `/dashboard/logs?${older}` : undefined} olderLabel="Older requests →" />
      </Card>
    </>
  );
}

function JsonBlock({ label, value, testId }: { label: string; value: unknown; testId: string }) {
  return (
    <div>
      <p className="text-xs font-medium text-gray-600">{label}</p>
      <pre
        className="mt-1 max-h-64 max-w-[80vw] overflow-auto whitespace-pre-wrap rounded-md bg-gray-50 p-2 text-xs [overflow-wrap:anywhere] sm:max-w-md"
        data-testid={testId}
      >
        {value === null || value === undefined ? "(none)" : JSON.stringify(value, null, 2)}
      </pre>
    </div>
  );
}
