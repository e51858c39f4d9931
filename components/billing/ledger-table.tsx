import { Alert } from "@/components/ui/alert";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { LedgerRow } from "@/lib/billing/overview";
import { LocalTime } from "@/components/ui/local-time";
import { Pager } from "@/components/ui/pager";
import { formatNumber } from "@/lib/format";

type Props = {
  result: { ok: true; rows: LedgerRow[]; hasNext: boolean } | { ok: false; error: string };
  page: number;
  basePath: string;
};

/** Dodo's credit ledger, newest first, with zero-based pages like Dodo's API. */
export function LedgerTable({ result, page, basePath }: Props) {
  return (
    <Card>
      <CardHeader title="Credit history" description="Every credit and debit on your account, from Dodo Payments." />
      {!result.ok ? (
        <div className="p-6">
          <Alert tone="error" title="History unavailable">
            {result.error}
          </Alert>
        </div>
      ) : result.rows.length === 0 ? (
        <p className="px-6 py-5 text-sm text-gray-500">{page > 0 ? "No more entries." : "No credit movements yet."}</p>
      ) : (
        <Table
          stack
          head={
            <>
              <Th>When</Th>
              <Th>What</Th>
              <Th align="right">Change</Th>
              <Th align="right">Balance</Th>
            </>
          }
        >
          {result.rows.map((row) => (
            <tr key={row.id} data-testid="ledger-row">
              <Td label="When" className="whitespace-nowrap text-gray-600">
                <LocalTime date={row.createdAt} />
              </Td>
              <Td>
                <span className="font-medium text-gray-900">{row.type}</span>
                {row.description ? <span className="block text-xs text-gray-500">{row.description}</span> : null}
              </Td>
              <Td
                label="Change"
                align="right"
                className={`tabular-nums font-medium ${row.isCredit ? "text-green-700" : "text-gray-900"}`}
              >
                {row.isCredit ? "+" : "−"}
                {formatNumber(row.amount)}
              </Td>
              <Td label="Balance" align="right" className="tabular-nums text-gray-600">
                {formatNumber(row.balanceAfter)}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      {result.ok ? (
        <Pager
          newerHref={page > 0 ? `${basePath}?ledgerPage=${page - 1}` : undefined}
          olderHref={result.hasNext ? `${basePath}?ledgerPage=${page + 1}` : undefined}
        />
      ) : null}
    </Card>
  );
}
