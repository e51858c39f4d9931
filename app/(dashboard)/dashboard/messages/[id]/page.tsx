import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";

import { SendStatusBadge } from "@/components/sending/status-badge";
import { MessageTimeline } from "@/components/sending/message-timeline";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { CopyButton } from "@/components/ui/copy-button";
import { LocalTime } from "@/components/ui/local-time";
import { formatNumber } from "@/lib/format";
import { getMessage } from "@/lib/sending/queries";
import { isOpen } from "@/lib/sending/status";
import { creditBacksOf } from "@/lib/suppressions";

export const metadata: Metadata = { title: "Message" };
export const dynamic = "force-dynamic";

const ID_SHAPE = /^[A-Za-z0-9_-]{1,64}$/;

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/dashboard/messages/${id}`);
  // Someone else's message, a made-up id or a malformed one: all the same 404 (no hint that it exists).
  const message = ID_SHAPE.test(id) ? await getMessage(user.id, id) : null;
  if (!message) notFound();
  const payload = message.payload as { html?: string; text?: string; replyTo?: string[] };
  const charged = message.status === "failed" ? 0 : message.cost;
  const creditBack = (await creditBacksOf([message.id])).get(message.id);

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
            {payload.replyTo?.length ? <Term label="Reply to">{payload.replyTo.join(", ")}</Term> : null}
            <Term label="Credits">
              <span data-testid="message-credits">{formatNumber(charged)}</span>
              {message.status === "failed"
                ? " (refunded: the email was not sent)"
                : isOpen(message.status)
                  ? " (held until the provider confirms)"
                  : ""}
              {creditBack ? (
                <span data-testid="message-credited-back" data-status={creditBack.status}>
                  {" "}
                  · {formatNumber(creditBack.credits)} credited back
                  {creditBack.status === "done" ? "" : " (pending)"} (the email was {creditBack.reason} after sending)
                </span>
              ) : null}
            </Term>
            <Term label="Sent via">
              {message.source === "api"
                ? `API${message.apiKey ? ` · ${message.apiKey.name} (${message.apiKey.prefix}…)` : ""}`
                : "Dashboard"}
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

      <Card>
        <CardHeader title="Content" />
        <CardBody>
          {payload.html ? (
            <iframe
              title="HTML content"
              sandbox=""
              srcDoc={payload.html}
              className="h-80 w-full rounded-lg border border-gray-200 bg-white"
            />
          ) : (
            <pre className="whitespace-pre-wrap break-words text-sm text-gray-800">{payload.text}</pre>
          )}
        </CardBody>
      </Card>
    </>
  );
}

function Term({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-gray-500">{label}</dt>
      <dd className="min-w-0 break-words text-gray-900">{children}</dd>
    </>
  );
}
