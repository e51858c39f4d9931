import type { Metadata } from "next";
import Link from "next/link";

import { Badge } from "@/components/ui/badge";
import { Button, buttonClass } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { Input } from "@/components/ui/input";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { formatNumber } from "@/lib/format";
import { listSuppressions, type SuppressionReason } from "@/lib/suppressions";

import { removeSuppressionAction } from "./actions";

export const metadata: Metadata = { title: "Suppressions" };
export const dynamic = "force-dynamic";

const PAGE_SIZE = 200;

const REASONS: Record<SuppressionReason, { label: string; tone: "red" | "yellow" | "gray" }> = {
  bounce: { label: "Hard bounce", tone: "red" },
  complaint: { label: "Complaint", tone: "yellow" },
  manual: { label: "Added by you", tone: "gray" },
};

export default async function SuppressionsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireUser("/dashboard/suppressions");
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim().slice(0, 320) ?? "";
  const page = await listSuppressions(user.id, { search: q || undefined, limit: PAGE_SIZE });
  const items = page?.items ?? [];

  return (
    <>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-bold tracking-tight">Suppressions</h1>
          <p className="max-w-2xl text-sm text-gray-500">
            Addresses that hard-bounced or complained about your email. MailKit leaves them out of your sends before
            anything is charged. Remove an address only if you know it accepts mail again.
          </p>
        </div>
        <a
          href="/dashboard/suppressions/export"
          className={buttonClass("secondary")}
          data-testid="export-suppressions"
          download
        >
          Export CSV
        </a>
      </div>

      <form role="search" className="flex flex-wrap items-center gap-2" action="/dashboard/suppressions">
        <label htmlFor="suppression-search" className="sr-only">
          Search addresses
        </label>
        <Input
          id="suppression-search"
          name="q"
          type="search"
          defaultValue={q}
          placeholder="Search addresses"
          className="max-w-xs"
          data-testid="suppression-search"
        />
        <Button type="submit" variant="secondary">
          Search
        </Button>
        {q ? (
          <Link href="/dashboard/suppressions" className="text-sm font-medium text-brand-700">
            Clear
          </Link>
        ) : null}
      </form>

      <Card>
        {items.length === 0 ? (
          <CardBody>
            <p className="text-center text-sm text-gray-500" data-testid="suppressions-empty">
              {q
                ? `No suppressed address matches “${q}”.`
                : "No suppressed addresses. Hard bounces and complaints will appear here."}
            </p>
          </CardBody>
        ) : (
          <Table
            stack
            head={
              <>
                <Th>Address</Th>
                <Th>Reason</Th>
                <Th>Since</Th>
                <Th>Message</Th>
                <Th />
              </>
            }
          >
            {items.map((entry) => (
              <tr key={entry.id} data-testid="suppression-row" data-address={entry.address}>
                <Td>
                  <div className="max-w-[18rem] truncate font-medium" title={entry.address}>
                    {entry.address}
                  </div>
                </Td>
                <Td label="Reason">
                  <Badge tone={REASONS[entry.reason].tone}>{REASONS[entry.reason].label}</Badge>
                </Td>
                <Td label="Since" className="whitespace-nowrap text-gray-600">
                  <LocalTime date={entry.createdAt} />
                </Td>
                <Td label="Message">
                  {entry.sendId ? (
                    <Link
                      href={`/dashboard/messages/${entry.sendId}`}
                      className="font-medium text-brand-700 hover:underline"
                    >
                      View message
                    </Link>
                  ) : (
                    <span className="text-gray-500">—</span>
                  )}
                </Td>
                <Td align="right">
                  <ConfirmForm
                    action={removeSuppressionAction}
                    fields={{ id: entry.id }}
                    trigger={
                      <>
                        Remove<span className="sr-only"> {entry.address}</span>
                      </>
                    }
                    triggerVariant="secondary"
                    title={`Remove ${entry.address}?`}
                    description={
                      <p>
                        Your next email to this address goes out and is charged again. If it bounces or complains again,
                        it comes back on the list.
                      </p>
                    }
                    confirmLabel="Remove"
                    success={`${entry.address} removed`}
                    testId="remove-suppression"
                  />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        {items.length ? (
          <p className="border-t border-gray-100 px-6 py-3 text-sm text-gray-500" data-testid="suppressions-count">
            {formatNumber(items.length)}
            {page?.hasMore ? "+" : ""} address{items.length === 1 ? "" : "es"}
            {q ? ` matching “${q}”` : ""}
            {page?.hasMore ? " · export the CSV for all of them" : ""}
          </p>
        ) : null}
      </Card>
    </>
  );
}
