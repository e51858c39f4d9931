import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";

import { CancelEmailButton } from "@/components/sending/cancel-email-button";
import { MessageContentTabs, type ContentTab } from "@/components/sending/message-content-tabs";
import { SendStatusBadge } from "@/components/sending/status-badge";
import { MessageTimeline } from "@/components/sending/message-timeline";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime } from "@/components/ui/local-time";
import { formatNumber } from "@/lib/format";
import { getMessage, getMessageCall } from "@/lib/sending/queries";
import {
  attachmentsOf,
  formatSize,
  headerLines,
  payloadJson,
  requestLines,
  type StoredPayload,
} from "@/lib/sending/message-source";
import { isOpen } from "@/lib/mail/status";
import { creditBacksOf } from "@/lib/suppressions";

import { cancelEmailAction } from "./actions";

export const metadata: Metadata = { title: "Message" };
export const dynamic = "force-dynamic";

const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/dashboard/messages/${id}`);
  // Someone else's message, a made-up id or a malformed one: all the same 404 (no hint that it exists).
  const message = ID_SHAPE.test(id) ? await getMessage(user.id, id) : null;
  if (!message) notFound();
  const payload = message.payload as StoredPayload;
  const replyTo = Array.isArray(payload.replyTo) ? payload.replyTo : payload.replyTo ? [payload.replyTo] : [];
  const returned = message.status === "failed" || message.status === "canceled";
  const charged = returned ? 0 : message.cost;
  const cancellable = Boolean(payload.scheduledAt) && ["queued", "unknown", "scheduled"].includes(message.status);
  const attachments = attachmentsOf(payload);
  const creditBack = (await creditBacksOf([message.id])).get(message.id);
  const call = await getMessageCall(message.deliveryBatchId);

  return (
    <>
      <div>
        <Link href="/dashboard/messages" className="text-sm font-medium text-brand-700">
          ← Messages
        </Link>
        <div className="mt-2 flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold tracking-tight">{message.subject || "(no subject)"}</h1>
          <SendStatusBadge status={message.status} />
        </div>
      </div>

      <Card>
        <CardBody>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[10rem_1fr]">
            <Term label="Message id">
              <span className="flex flex-wrap items-center gap-2">
                <code data-testid="message-id" className="break-all">
                  {message.id}
                </code>
                <CopyButton value={message.id} label="Copy id" />
              </span>
            </Term>
            <Term label="From">{message.fromAddress}</Term>
            <Term label="To">{message.to.join(", ")}</Term>
            {message.cc.length ? <Term label="Cc">{message.cc.join(", ")}</Term> : null}
            {message.bcc.length ? <Term label="Bcc">{message.bcc.join(", ")}</Term> : null}
            {replyTo.length ? <Term label="Reply to">{replyTo.join(", ")}</Term> : null}
            {payload.scheduledAt ? (
              <Term label="Scheduled for">
                <span data-testid="message-scheduled-at">
                  <LocalTime date={new Date(payload.scheduledAt)} />
                </span>
              </Term>
            ) : null}
            <Term label="Credits">
              <span data-testid="message-credits">{formatNumber(charged)}</span>
              {message.status === "failed"
                ? " (refunded: the email was not sent)"
                : message.status === "canceled"
                  ? " (returned: the email was cancelled)"
                  : isOpen(message.status)
                    ? " (held until the provider confirms)"
                    : ""}
              {creditBack ? (
                <span data-testid="message-credited-back" data-status={creditBack.status}>
                  {" "}
                  · {formatNumber(creditBack.credits)} credited back
                  {creditBack.status === "done" ? "" : " (pending)"}{" "}
                  {creditBack.reason === "canceled"
                    ? "(the email was cancelled after Resend accepted it)"
                    : `(the email was ${creditBack.reason} after sending)`}
                </span>
              ) : null}
            </Term>
            <Term label="Sent via">
              {message.source === "api" ? (
                <>
                  {`API${message.apiKey ? ` · ${message.apiKey.name} (${message.apiKey.prefix}…)` : ""}`}{" "}
                  <Link
                    href={`/dashboard/logs?email=${encodeURIComponent(message.id)}`}
                    className="font-medium text-brand-700 underline-offset-2 hover:underline"
                    data-testid="request-log-link"
                  >
                    See the request
                  </Link>
                </>
              ) : (
                "Dashboard"
              )}
            </Term>
            <Term label="Created">
              <LocalTime date={message.createdAt} />
            </Term>
            {message.resendId ? (
              <Term label="Provider id">
                <span className="flex flex-wrap items-center gap-2">
                  <code className="break-all">{message.resendId}</code>
                  <CopyButton value={message.resendId} label="Copy id" />
                </span>
              </Term>
            ) : null}
            {message.lastError && message.status !== "sent" ? (
              <Term label="Last problem">{message.lastError}</Term>
            ) : null}
          </dl>
        </CardBody>
      </Card>

      <Card>
        <CardHeader title="Timeline" description="What happened to this email, oldest first." />
        <CardBody>
          <MessageTimeline message={message} />
        </CardBody>
      </Card>

      {cancellable || (payload.scheduledAt && message.status === "canceled") ? (
        // Kept in place once cancelled, so the button's answer stays on screen after the page refreshes.
        <Card>
          <CardHeader
            title={cancellable ? "Scheduled" : "Cancelled"}
            description={
              cancellable
                ? "Resend sends this email at its scheduled time. Cancel it before then and its credits come back."
                : "This scheduled email was cancelled before it was sent; its credits came back."
            }
          />
          <CardBody>
            <CancelEmailButton id={message.id} action={cancelEmailAction} canceled={!cancellable} />
          </CardBody>
        </Card>
      ) : null}

      <Card>
        <CardHeader title="Content" />
        <MessageContentTabs tabs={contentTabs(payload, call)} initial={payload.html ? "html" : "text"} />
      </Card>

      <Card>
        <CardHeader
          title="Attachments"
          description={attachments.length ? undefined : "This email has no attachments."}
        />
        {attachments.length ? (
          <ul className="divide-y divide-gray-100 text-sm" data-testid="attachments">
            {attachments.map((a, index) => (
              <li key={index} className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 px-6 py-3">
                <span className="min-w-0 break-all font-medium text-gray-900" data-testid="attachment-name">
                  {a.name}
                </span>
                <span className="text-gray-600">
                  <span data-testid="attachment-type">{a.type}</span> ·{" "}
                  <span data-testid="attachment-size">
                    {a.size === null ? `fetched by Resend from ${a.url}` : formatSize(a.size)}
                  </span>
                </span>
              </li>
            ))}
          </ul>
        ) : null}
      </Card>
    </>
  );
}

function contentTabs(payload: StoredPayload, call: Parameters<typeof requestLines>[0]): ContentTab[] {
  const pre =
    "max-h-[32rem] overflow-auto whitespace-pre-wrap break-words rounded-lg bg-gray-50 p-4 font-mono text-xs text-gray-800";
  return [
    {
      id: "html",
      label: "HTML",
      panel: payload.html ? (
        // sandbox="" runs no script and submits no form; the email's own markup only.
        <iframe
          title="HTML content"
          sandbox=""
          srcDoc={payload.html}
          className="h-80 w-full rounded-lg border border-gray-200 bg-white"
        />
      ) : (
        <p className="text-sm text-gray-500">This email has no HTML part.</p>
      ),
    },
    {
      id: "text",
      label: "Plain text",
      panel: payload.text ? (
        <pre className={pre}>{payload.text}</pre>
      ) : (
        <p className="text-sm text-gray-500">
          This email has no plain-text part{payload.html ? "; Resend derives one from the HTML" : ""}.
        </p>
      ),
    },
    {
      id: "source",
      label: "Source",
      panel: (
        <div className="space-y-4">
          <section>
            <h3 className="mb-2 text-sm font-semibold text-gray-900">Headers</h3>
            <pre className={pre} data-testid="source-headers">
              {headerLines(payload).join("\n")}
            </pre>
          </section>
          <section>
            <h3 className="mb-2 text-sm font-semibold text-gray-900">Request to Resend</h3>
            <pre className={pre} data-testid="source-request">
              {requestLines(call).join("\n")}
            </pre>
          </section>
          <section>
            <h3 className="mb-2 text-sm font-semibold text-gray-900">Payload</h3>
            <pre className={pre} data-testid="source-payload">
              {payloadJson(payload)}
            </pre>
          </section>
        </div>
      ),
    },
  ];
}

function Term({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-gray-500">{label}</dt>
      <dd className="min-w-0 break-words text-gray-900">{children}</dd>
    </>
  );
}
