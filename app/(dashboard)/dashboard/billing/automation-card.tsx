import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import type { BillingAutomation } from "@/lib/billing/automation";
import type { PaymentMethodOnFile } from "@/lib/billing/payment-method";
import { PRODUCT, PRODUCT_COPY } from "@/lib/catalog/product";
import { formatNumber } from "@/lib/format";

import { saveAlertAction, saveAutoTopUpAction } from "./actions";
import { AutomationForm } from "./automation-form";

type Attempt = {
  id: string;
  crossing: number;
  attempt: number;
  packs: number;
  status: string;
  error: string | null;
  createdAt: Date;
};

/** Each attempt's outcome in words, with its badge colour. */
const OUTCOMES: Record<string, { label: string; tone: "green" | "red" | "gray" | "yellow" }> = {
  pending: { label: "Scheduled", tone: "yellow" },
  charging: { label: "Charging", tone: "yellow" },
  succeeded: { label: "Paid", tone: "green" },
  failed: { label: "Declined", tone: "red" },
  capped: { label: "Over monthly cap", tone: "gray" },
  skipped: { label: "Not needed", tone: "gray" },
};
const outcomeOf = (status: string) => OUTCOMES[status] ?? { label: status, tone: "gray" as const };

/** Auto top-up, the owner's own alert, the card on file and every auto top-up attempt. */
export function AutomationCard({
  automation,
  method,
  history,
  hasPlan,
}: {
  automation: BillingAutomation;
  method: { ok: true; method: PaymentMethodOnFile } | { ok: false };
  history: Attempt[];
  hasPlan: boolean;
}) {
  const { autoTopUp, alert } = automation;
  return (
    <Card>
      <CardHeader
        title="Never run dry"
        description="Top up automatically on your saved card, and get your own low-balance alert."
      />
      <CardBody className="space-y-8">
        <section aria-labelledby="payment-method-title" className="space-y-1">
          <h3 id="payment-method-title" className="text-sm font-semibold text-gray-900">
            Payment method on file
          </h3>
          <p className="text-sm text-gray-600" data-testid="payment-method">
            {!method.ok
              ? "We couldn't reach Dodo Payments to read your saved card."
              : method.method
                ? `${method.method.network} ending ${method.method.last4}${method.method.expires ? `, expires ${method.method.expires}` : ""}. Change it in the billing portal.`
                : "No saved card yet: your first purchase saves it."}
          </p>
        </section>

        <section aria-labelledby="auto-top-up-title" className="space-y-3">
          <h3 id="auto-top-up-title" className="text-sm font-semibold text-gray-900">
            Auto top-up
          </h3>
          <p className="text-sm text-gray-600">
            When your balance drops below the threshold, MailKit buys {PRODUCT_COPY.topUpPrice} packs of{" "}
            {PRODUCT_COPY.topUpCredits} credits on your saved card — once per drop, up to your monthly cap. A declined
            charge is retried once; after {PRODUCT.autoTopUp.failuresToDisable} declines in a row auto top-up turns off
            and we email you.
          </p>
          {autoTopUp.enabled ? (
            <p className="text-sm font-medium text-gray-800" data-testid="auto-top-up-state">
              {autoTopUp.armed
                ? `On: the next drop below ${formatNumber(autoTopUp.threshold)} credits buys ${autoTopUp.packs} pack${autoTopUp.packs === 1 ? "" : "s"}.`
                : `On: waiting for your balance to be back at ${formatNumber(autoTopUp.threshold)} credits before the next top-up.`}
            </p>
          ) : null}
          {autoTopUp.offReason && !autoTopUp.enabled ? (
            <Alert tone="error" title="Auto top-up is off">
              {autoTopUp.offReason}
            </Alert>
          ) : null}
          {!hasPlan ? (
            <p className="text-sm text-gray-600">{PRODUCT_COPY.noPlan}</p>
          ) : (
            <AutomationForm
              id="auto-top-up"
              action={saveAutoTopUpAction}
              toggle={{ name: "enabled", label: "Top up automatically", checked: autoTopUp.enabled }}
              fields={[
                { name: "threshold", label: "When credits drop below", value: String(autoTopUp.threshold || 1000) },
                {
                  name: "packs",
                  label: "Packs to buy",
                  value: String(autoTopUp.packs),
                  hint: `1–${PRODUCT.autoTopUp.maxPacks}, ${PRODUCT_COPY.topUpPrice} each`,
                },
                {
                  name: "monthlyCap",
                  label: "At most packs a month",
                  value: String(autoTopUp.monthlyCap || 2),
                  hint: "Counted per calendar month (UTC)",
                },
              ]}
              submit="Save auto top-up"
            />
          )}
          {history.length ? <AttemptsTable history={history} /> : null}
        </section>

        <section aria-labelledby="alert-title" className="space-y-3">
          <h3 id="alert-title" className="text-sm font-semibold text-gray-900">
            Your own low-balance alert
          </h3>
          <p className="text-sm text-gray-600">
            One email (and a <code className="font-mono text-xs">credit.balance_low</code> webhook event) each time your
            balance drops below this line. The plan&apos;s warning at {PRODUCT_COPY.lowBalance} of its credits stays on.
          </p>
          {alert.threshold !== null ? (
            <p className="text-sm font-medium text-gray-800" data-testid="alert-state">
              {alert.below
                ? `Your balance is below ${formatNumber(alert.threshold)} credits and the alert went out; the next one comes after it is back at that line.`
                : `On: the next drop below ${formatNumber(alert.threshold)} credits sends the alert.`}
            </p>
          ) : null}
          <AutomationForm
            id="alert"
            action={saveAlertAction}
            fields={[
              {
                name: "threshold",
                label: "Alert below (credits)",
                value: alert.threshold === null ? "" : String(alert.threshold),
                hint: "Empty turns it off",
              },
              {
                name: "recipients",
                label: "Send the email to",
                type: "text",
                value: alert.recipients.join(", "),
                hint: "Comma-separated; empty: your own address",
                width: "sm:col-span-2",
              },
            ]}
            submit="Save alert"
          />
        </section>
      </CardBody>
    </Card>
  );
}

function AttemptsTable({ history }: { history: Attempt[] }) {
  return (
    <Table
      stack
      head={
        <>
          <Th>When</Th>
          <Th>Top-up</Th>
          <Th>Outcome</Th>
        </>
      }
    >
      {history.map((a) => (
        <tr key={a.id} data-testid="auto-top-up-row" data-status={a.status}>
          <Td label="When" className="whitespace-nowrap text-gray-600">
            <LocalTime date={a.createdAt} />
          </Td>
          <Td label="Top-up">
            {a.packs} × {PRODUCT.topUp.name} (+{formatNumber(a.packs * PRODUCT.topUp.credits)})
            {a.attempt > 1 ? <span className="block text-xs text-gray-500">Retry of the declined charge</span> : null}
          </Td>
          <Td label="Outcome">
            <Badge tone={outcomeOf(a.status).tone}>{outcomeOf(a.status).label}</Badge>
            {a.error ? <span className="mt-1 block text-xs text-gray-600">{a.error}</span> : null}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
