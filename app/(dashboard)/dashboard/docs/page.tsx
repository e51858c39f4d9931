import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { apiBaseUrl, curlSnippet, nodeSnippet } from "@/lib/dashboard/snippets";
import { getEnv } from "@/lib/env";
import { getSendingConfig } from "@/lib/sending/config";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

export default async function DocsPage() {
  await requireUser("/dashboard/docs");
  const apiBase = apiBaseUrl(getEnv().APP_URL);
  const { rateLimitPerSecond } = getSendingConfig();
  return (
    <>
      <div>
        <h1 className="text-2xl font-bold tracking-tight">API reference</h1>
        <p className="text-sm text-gray-500">
          MailKit speaks Resend&apos;s email API. Use the official <code>resend</code> SDK (or plain HTTP) with a
          MailKit key from{" "}
          <Link className="font-medium text-brand-700" href="/dashboard/keys">
            API keys
          </Link>
          . Machine-readable:{" "}
          <a className="font-medium text-brand-700" href="/api/openapi.json">
            /api/openapi.json
          </a>
          .
        </p>
      </div>

      <Section title="Quick start" description={`Base URL: ${apiBase}`}>
        <CodeBlock label="Node.js (resend SDK)" code={nodeSnippet(apiBase, "process.env.MAILKIT_API_KEY")} />
        <CodeBlock label="curl" code={curlSnippet(apiBase, "mk_...")} />
      </Section>

      <Section title="Endpoints">
        <Table
          stack
          bodyClassName="align-top"
          head={
            <>
              <Th inset>Endpoint</Th>
              <Th inset>Key</Th>
              <Th inset>What it does</Th>
            </>
          }
        >
          <Row endpoint="POST /emails" access="sending or full">
            Sends one email. Body as Resend: <code>from</code>, <code>to</code>, <code>subject</code>, <code>html</code>{" "}
            and/or <code>text</code>, optional <code>cc</code>, <code>bcc</code>, <code>reply_to</code>,{" "}
            <code>headers</code>, <code>tags</code>, <code>attachments</code>. Scheduling is not supported.
          </Row>
          <Row endpoint="POST /emails/batch" access="sending or full">
            Up to 100 emails in one request, all-or-nothing: the total cost is held at once and either every email is
            sent or none is. No attachments.
          </Row>
          <Row endpoint="GET /emails/{id}" access="full">
            One email with <code>last_event</code> (delivered, bounced …), MailKit&apos;s <code>status</code> and{" "}
            <code>credits_charged</code>.
          </Row>
          <Row endpoint="GET /emails" access="full">
            Your emails, newest first: <code>limit</code> (1–100), <code>after</code> / <code>before</code> cursors.
          </Row>
          <Row endpoint="POST /domains" access="full">
            Adds a sender domain (<code>name</code>, optional <code>region</code>) and answers its DNS{" "}
            <code>records</code> (SPF MX and TXT, DKIM, DMARC) to publish. A domain belongs to one account: 403 if it is
            taken.
          </Row>
          <Row endpoint="GET /domains" access="full">
            Your domains with their <code>status</code>: <code>not_started</code>, <code>pending</code>,{" "}
            <code>verified</code>, <code>failed</code> or <code>temporary_failure</code>.
          </Row>
          <Row endpoint="GET /domains/{id}" access="full">
            One domain with its records and each record&apos;s status.
          </Row>
          <Row endpoint="POST /domains/{id}/verify" access="full">
            Checks the DNS records now: <code>pending</code>, then <code>verified</code> or <code>failed</code>.
          </Row>
          <Row endpoint="DELETE /domains/{id}" access="full">
            Removes the domain; emails from it are refused from then on.
          </Row>
        </Table>
      </Section>

      <Section title="Sender domains">
        <ul className="list-disc space-y-1 pl-5 text-sm text-gray-700">
          <li>
            Every <code>from</code> must be an address on one of your verified domains (Dashboard → Domains, or{" "}
            <code>resend.domains.*</code> with a full-access key). Otherwise <strong>403</strong>{" "}
            <code>validation_error</code> naming the domain; nothing is held or charged.
          </li>
          <li>
            Until you have a verified domain you can try MailKit from its shared sender (the default <code>from</code>{" "}
            in the composer), to your own account address only.
          </li>
        </ul>
      </Section>

      <Section title="Credits">
        <ul className="list-disc space-y-1 pl-5 text-sm text-gray-700">
          <li>
            An email costs one credit per distinct recipient across to, cc and bcc (addresses compared
            case-insensitively).
          </li>
          <li>
            Responses carry <code>credits_charged</code> and <code>credits_remaining</code>, also as the headers{" "}
            <code>x-mailkit-credits-charged</code> and <code>x-mailkit-credits-remaining</code>.
          </li>
          <li>
            Not enough credits → <strong>402</strong> <code>insufficient_credits</code> with <code>required</code>,{" "}
            <code>available</code> and <code>top_up_url</code>. Nothing is sent or charged.
          </li>
          <li>
            <strong>200</strong> means accepted for delivery: the credits are held and the email is{" "}
            <code>queued</code>; MailKit hands it to the provider moments later and it goes out at most once.{" "}
            <code>GET /emails/{"{id}"}</code> follows it: <code>queued → sent → delivered</code> (or{" "}
            <code>bounced</code>, …). If the provider refuses it, its status becomes <code>failed</code> and the
            credits are released (<code>credits_charged: 0</code>).
          </li>
        </ul>
      </Section>

      <Section title="Idempotency, limits and errors">
        <ul className="list-disc space-y-1 pl-5 text-sm text-gray-700">
          <li>
            <code>Idempotency-Key</code> (1–256 characters, kept 24 hours): repeating a request with the same key and
            body returns the original response without sending or charging again. A different body, or a repeat while
            the first is still running, gets <strong>409</strong>. A request refused with 402 or 4xx does not use up its
            key.
          </li>
          <li>
            Each key may make {rateLimitPerSecond} requests per second. Every response has <code>ratelimit-limit</code>,{" "}
            <code>ratelimit-remaining</code> and <code>ratelimit-reset</code>; over the limit you get{" "}
            <strong>429</strong> with <code>retry-after</code>.
          </li>
          <li>
            Errors look like Resend&apos;s:{" "}
            <code>{`{ "statusCode": 422, "name": "validation_error", "message": "Invalid \`to\` field: …" }`}</code>.
            401 for a missing, unknown or revoked key (and <code>restricted_api_key</code> when a sending-only key
            reads), 422 for validation (the message names the field).
          </li>
        </ul>
      </Section>
    </>
  );
}

function Section({ title, description, children }: { title: string; description?: string; children: ReactNode }) {
  return (
    <Card>
      <CardHeader title={title} description={description} />
      <CardBody className="space-y-4">{children}</CardBody>
    </Card>
  );
}

function Row({ endpoint, access, children }: { endpoint: string; access: string; children: ReactNode }) {
  return (
    <tr>
      <Td inset className="whitespace-nowrap font-mono text-xs font-semibold text-gray-900">
        {endpoint}
      </Td>
      <Td inset label="Key" className="whitespace-nowrap text-gray-600">
        {access}
      </Td>
      <Td inset className="text-gray-700">
        {children}
      </Td>
    </tr>
  );
}
