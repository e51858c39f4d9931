import { Card, CardHeader } from "@/components/ui/card";
import type { Grant } from "@/lib/billing/overview";
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
      <CardHeader title="Active credit grants" description="Used oldest first. Each grant expires on its own date." />
      {grants.length === 0 ? (
        <p className="px-6 py-5 text-sm text-gray-500">No active grants.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead className="text-xs uppercase text-gray-500">
            <tr>
              <th className="px-6 py-2 font-medium">Source</th>
              <th className="px-6 py-2 font-medium">Granted</th>
              <th className="px-6 py-2 text-right font-medium">Remaining</th>
              <th className="px-6 py-2 text-right font-medium">Expires</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100">
            {grants.map((g) => (
              <tr key={g.id} data-testid="grant-row">
                <td className="px-6 py-3 font-medium text-gray-900">{sourceLabel[g.source] ?? g.source}</td>
                <td className="px-6 py-3 text-gray-600">{formatDate(g.createdAt)}</td>
                <td className="px-6 py-3 text-right tabular-nums">
                  {formatNumber(g.remaining)} <span className="text-gray-400">/ {formatNumber(g.initial)}</span>
                </td>
                <td className="px-6 py-3 text-right text-gray-600">
                  {g.expiresAt ? formatDate(g.expiresAt) : "never"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
