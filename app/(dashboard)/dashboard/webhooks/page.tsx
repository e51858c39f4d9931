import type { Metadata } from "next";
import Link from "next/link";

import { CreateEndpointForm } from "@/components/webhooks/create-endpoint-form";
import { RotateSecretForm } from "@/components/webhooks/rotate-secret-form";
import { ActionForm } from "@/components/ui/action-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { ConfirmForm } from "@/components/ui/confirm-form";
import { LocalTime } from "@/components/ui/local-time";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import {
  getWebhookConfig,
  listEndpoints,
  WEBHOOK_EVENT_DESCRIPTIONS,
  WEBHOOK_EVENT_TYPES,
  type EndpointView,
} from "@/lib/webhooks";
import { listDeliveryLog, type DeliveryWithAttempts } from "@/lib/webhooks/attempts";
import { eventBody } from "@/lib/webhooks/events";

import {
  createEndpointAction,
  deleteEndpointAction,
  replayDeliveryAction,
  replaySinceAction,
  retryNowAction,
  rotateSecretAction,
  setEndpointStatusAction,
} from "./actions";

export const metadata: Metadata = { title: "Webhooks" };
export const dynamic = "force-dynamic";

const VERIFY_SNIPPET = `import { Webhook } from "standardwebhooks";

// raw body (string) and the webhook-id, webhook-timestamp, webhook-signature headers
const event = new Webhook(process.env.MAILKIT_WEBHOOK_SECRET).verify(rawBody, headers);
if (event.type === "email.bounced") { /* event.data.email_id is MailKit's email id */ }`;

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function WebhooksPage({ searchParams }: PageProps) {
  const user = await requireUser("/dashboard/webhooks");
  const failedOnly = (await searchParams).failed === "1";
  const endpoints = await listEndpoints(user.id);
  const logs = await Promise.all(endpoints.map((e) => listDeliveryLog(user.id, e.id, { failedOnly })));
  const disabledByMailKit = endpoints.filter((e) => e.status === "disabled" && e.disabledReason);
  const local = getWebhookConfig().allowLoopback;
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">Webhooks</h1>
        <p className="text-sm text-gray-500">
          MailKit POSTs your emails&apos; delivery events, domain changes and low-balance warnings to your endpoints,
          signed with Standard Webhooks, retried with backoff for about a day. Also through the API:{" "}
          <Link className="font-medium text-brand-700" href="/dashboard/docs#webhooks">
            /api/webhooks
          </Link>
          .
        </p>
      </div>

      {disabledByMailKit.length ? (
        <Alert tone="error" title="An endpoint was disabled because it kept failing">
          {disabledByMailKit.map((e) => (
            <p key={e.id} className="break-all" data-testid="webhook-disabled-banner">
              {e.url}: {e.disabledReason} Fix it, enable it again and replay what it missed.
            </p>
          ))}
        </Alert>
      ) : null}

      <Card>
        <CardHeader
          title="Add an endpoint"
          description={
            local
              ? "Local mode: http://localhost and 127.0.0.1 are allowed so you can try it; in production only public https URLs are."
              : "A public https:// URL. Private, loopback and link-local addresses are refused."
          }
        />
        <CardBody>
          <CreateEndpointForm
            action={createEndpointAction}
            eventTypes={WEBHOOK_EVENT_TYPES.map((type) => ({ type, description: WEBHOOK_EVENT_DESCRIPTIONS[type] }))}
            placeholder={local ? "http://localhost:4500/webhooks" : "https://example.com/webhooks/mailkit"}
          />
        </CardBody>
      </Card>

      {endpoints.length ? (
        <nav aria-label="Deliveries shown" className="flex gap-2 text-sm" data-testid="delivery-filter">
          <Link
            href="/dashboard/webhooks"
            aria-current={failedOnly ? undefined : "page"}
            className={`rounded-full px-3 py-1 font-medium ${failedOnly ? "text-gray-600 ring-1 ring-inset ring-gray-300 hover:bg-gray-100" : "bg-brand-50 text-brand-700"}`}
          >
            All deliveries
          </Link>
          <Link
            href="/dashboard/webhooks?failed=1"
            aria-current={failedOnly ? "page" : undefined}
            className={`rounded-full px-3 py-1 font-medium ${failedOnly ? "bg-brand-50 text-brand-700" : "text-gray-600 ring-1 ring-inset ring-gray-300 hover:bg-gray-100"}`}
            data-testid="failed-only"
          >
            Failed only
          </Link>
        </nav>
      ) : null}

      {endpoints.length === 0 ? (
        <Card>
          <p className="px-6 py-5 text-sm text-gray-500">No endpoints yet.</p>
        </Card>
      ) : (
        endpoints.map((endpoint, i) => (
          <EndpointCard key={endpoint.id} endpoint={endpoint} log={logs[i]!} failedOnly={failedOnly} />
        ))
      )}

      <Card>
        <CardHeader
          title="Verifying deliveries"
          description="Each delivery carries webhook-id, webhook-timestamp and webhook-signature headers."
        />
        <CardBody>
          <CodeBlock label="Node.js (standardwebhooks)" code={VERIFY_SNIPPET} />
        </CardBody>
      </Card>
    </>
  );
}

function EndpointCard({
  endpoint,
  log,
  failedOnly,
}: {
  endpoint: EndpointView;
  log: DeliveryWithAttempts[];
  failedOnly: boolean;
}) {
  const enabled = endpoint.status === "enabled";
  return (
    <Card>
      <div className="space-y-3 border-b border-gray-100 px-6 py-4" data-testid="webhook-endpoint">
        <div className="flex flex-wrap items-center gap-2">
          <h2 className="min-w-0 break-all font-mono text-sm font-semibold" data-testid="webhook-endpoint-url">
            {endpoint.url}
          </h2>
          <Badge tone={enabled ? "green" : "red"}>{enabled ? "Enabled" : "Disabled"}</Badge>
        </div>
        <p className="text-xs text-gray-500">
          {endpoint.eventTypes.join(", ")} · added <LocalTime date={endpoint.createdAt} />
        </p>
        <div className="flex flex-wrap items-start gap-2">
          <ActionForm action={setEndpointStatusAction}>
            <input type="hidden" name="id" value={endpoint.id} />
            <input type="hidden" name="status" value={enabled ? "disabled" : "enabled"} />
            <Button type="submit" variant="secondary" size="sm" data-testid="toggle-webhook">
              {enabled ? "Disable" : "Enable"}
            </Button>
          </ActionForm>
          <ConfirmForm
            action={deleteEndpointAction}
            fields={{ id: endpoint.id }}
            trigger={
              <>
                Delete<span className="sr-only"> {endpoint.url}</span>
              </>
            }
            title="Delete this endpoint?"
            description={
              <p className="break-all">
                MailKit stops sending events to <code>{endpoint.url}</code> and forgets its delivery log.
              </p>
            }
            confirmLabel="Delete endpoint"
            success="Endpoint deleted"
            testId="delete-webhook"
          />
          <RotateSecretForm action={rotateSecretAction} endpointId={endpoint.id} />
          {enabled ? (
            <ActionForm action={replaySinceAction} className="flex items-center gap-2">
              <input type="hidden" name="id" value={endpoint.id} />
              <label className="sr-only" htmlFor={`replay-${endpoint.id}`}>
                Replay events from
              </label>
              <select
                id={`replay-${endpoint.id}`}
                name="hours"
                defaultValue="24"
                className="rounded-md border border-gray-300 px-2 py-1 text-sm"
                data-testid="replay-since-period"
              >
                <option value="1">the last hour</option>
                <option value="24">the last 24 hours</option>
                <option value="72">the last 3 days</option>
                <option value="168">the last 7 days</option>
                <option value="720">the last 30 days</option>
              </select>
              <Button type="submit" variant="secondary" size="sm" data-testid="replay-since">
                Replay all<span className="sr-only"> events of {endpoint.url}</span>
              </Button>
            </ActionForm>
          ) : null}
        </div>
      </div>
      {log.length === 0 ? (
        <p className="px-6 py-5 text-sm text-gray-500">{failedOnly ? "No failed deliveries." : "No deliveries yet."}</p>
      ) : (
        <Table
          stack
          head={
            <>
              <Th>Event</Th>
              <Th>Status</Th>
              <Th>Attempts</Th>
              <Th>Response</Th>
              <Th>Time</Th>
              <Th />
            </>
          }
        >
          {log.map((d) => (
            <tr key={d.id} data-testid="webhook-delivery" data-event={d.eventType} data-status={d.status}>
              <Td className="align-top">
                <details>
                  <summary className="cursor-pointer font-mono text-xs">{d.eventType}</summary>
                  <pre className="mt-2 max-w-[80vw] overflow-x-auto whitespace-pre-wrap break-all rounded-md bg-gray-50 p-2 text-xs sm:max-w-xs">
                    {JSON.stringify(eventBody(d.payload), null, 2)}
                  </pre>
                  <p className="mt-1 font-mono text-xs text-gray-500">{d.eventId}</p>
                </details>
              </Td>
              <Td label="Status" className="align-top">
                <Badge tone={d.status === "succeeded" ? "green" : d.status === "failed" ? "red" : "yellow"}>
                  {d.status === "succeeded" ? "Delivered" : d.status === "failed" ? "Failed" : "Pending"}
                </Badge>
              </Td>
              <Td label="Attempts" className="align-top">
                {d.attempts}
              </Td>
              <Td label="Response" className="align-top">
                <span>{d.lastResponseStatus ?? (d.lastError ? "No response" : "—")}</span>
                {d.lastError && d.status !== "succeeded" ? (
                  <span className="block max-w-xs break-all text-xs text-gray-500">{d.lastError}</span>
                ) : null}
                <AttemptLog delivery={d} />
              </Td>
              <Td label="Time" className="align-top">
                <LocalTime date={d.lastAttemptAt ?? d.createdAt} />
                {d.status === "pending" && d.attempts > 0 ? (
                  <span className="block text-xs text-gray-500" data-testid="next-retry">
                    Next retry <LocalTime date={d.nextAttemptAt} />
                  </span>
                ) : null}
              </Td>
              <Td align="right" className="align-top">
                {enabled ? (
                  <ActionForm action={d.status === "succeeded" ? replayDeliveryAction : retryNowAction}>
                    <input type="hidden" name="id" value={d.id} />
                    {d.status === "succeeded" ? (
                      <Button type="submit" variant="ghost" size="sm" data-testid="replay-webhook">
                        Replay<span className="sr-only"> {d.eventType}</span>
                      </Button>
                    ) : (
                      <Button type="submit" variant="secondary" size="sm" data-testid="retry-now">
                        Retry now<span className="sr-only"> {d.eventType}</span>
                      </Button>
                    )}
                  </ActionForm>
                ) : null}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </Card>
  );
}

/** Every attempt of a delivery: when, how long, what the endpoint answered (the first KB of its body). */
function AttemptLog({ delivery }: { delivery: DeliveryWithAttempts }) {
  if (delivery.attemptLog.length === 0) return null;
  return (
    <details className="mt-1" data-testid="webhook-attempts">
      <summary className="cursor-pointer text-xs font-medium text-brand-700">
        {delivery.attemptLog.length === 1 ? "1 attempt" : `${delivery.attemptLog.length} attempts`}
      </summary>
      <ol className="mt-2 space-y-2">
        {delivery.attemptLog.map((a) => (
          <li key={a.id} className="rounded-md bg-gray-50 p-2 text-xs" data-testid="webhook-attempt">
            <p className="flex flex-wrap gap-x-2 text-gray-700">
              <span className="font-medium">#{a.attempt}</span>
              <span>{a.responseStatus ?? "No response"}</span>
              <span>{a.durationMs} ms</span>
              <LocalTime date={a.startedAt} />
            </p>
            {a.error && a.responseStatus === null ? <p className="break-all text-red-700">{a.error}</p> : null}
            {a.responseBody ? (
              <pre
                className="mt-1 max-h-40 max-w-[80vw] overflow-auto whitespace-pre-wrap font-mono text-gray-800 [overflow-wrap:anywhere] sm:max-w-xs"
                data-testid="webhook-attempt-body"
              >
                {a.responseBody}
              </pre>
            ) : null}
          </li>
        ))}
      </ol>
    </details>
  );
}
