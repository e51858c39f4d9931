import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { notFound } from "next/navigation";

import { SendStatusBadge } from "@/components/sending/status-badge";
import { MessageTimeline } from "@/components/sending/message-timeline";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { requireUser } from "@/lib/auth/session";
import { formatDateTime, formatNumber } from "@/lib/format";
import { getMessage } from "@/lib/sending/queries";

export const metadata: Metadata = { title: "Message" };
export const dynamic = "force-dynamic";

export default async function MessagePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/dashboard/messages/${id}`);
  const message = await getMessage(user.id, id);
  if (!message) notFound();
  const payload = message.payload as { html?: string; text?: string; replyTo?: string[] };
  const charged = message.status === "failed" ? 0 : message.cost;

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
              <code data-testid="message-id">{message.id}</code>
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
                : message.status === "queued" || message.status === "unknown"
                  ? " (held until the provider confirms)"
                  : ""}
            </Term>
            <Term label="Sent via">
              {message.source === "api"
                ? `API${message.apiKey ? ` · ${message.apiKey.name} (${message.apiKey.prefix}…)` : ""}`
                : "Dashboard"}
            </Term>
            <Term label="Created">{formatDateTime(message.createdAt)}</Term>
            {message.resendId ? <Term label="Provider id">{message.resendId}</Term> : null}
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
