import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import type { Grant } from "@/lib/billing/overview";
import { PRODUCT_COPY } from "@/lib/catalog/product";
import { formatDate, formatNumber } from "@/lib/format";

const sourceLabel: Record<string, string> = {
  subscription: "Plan credits",
  one_time: "Top-up pack",
  api: "Adjustment",
  addon: "Add-on",
  rollover: "Rolled over",
};

export function GrantsTable({ grants }: { grants: Grant[] }) {
  return (
    <Card>
      <CardHeader
        title="Active credit grants"
        description={`Used oldest first. ${PRODUCT_COPY.expiry}; each grant expires on its own date.`}
      />
      {grants.length === 0 ? (
        <p className="px-6 py-5 text-sm text-gray-500">No active grants.</p>
      ) : (
        <Table
          stack
          head={
            <>
              <Th>Source</Th>
              <Th>Granted</Th>
              <Th align="right">Remaining</Th>
              <Th align="right">Expires</Th>
            </>
          }
        >
          {grants.map((g) => (
            <tr key={g.id} data-testid="grant-row">
              <Td className="font-medium text-gray-900">{sourceLabel[g.source] ?? g.source}</Td>
              <Td label="Granted" className="text-gray-600">
                {formatDate(g.createdAt)}
              </Td>
              <Td label="Remaining" align="right" className="tabular-nums">
                {formatNumber(g.remaining)} <span className="text-gray-500">/ {formatNumber(g.initial)}</span>
              </Td>
              <Td label="Expires" align="right" className="text-gray-600">
                {g.expiresAt ? formatDate(g.expiresAt) : "never"}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}
