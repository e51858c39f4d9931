import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Table, Td, Th } from "@/components/ui/table";
import { accessLabel, type ApiTag } from "@/lib/api/operation";
import { PUBLIC_API_OPERATIONS } from "@/lib/api/operations";
import { requireUser } from "@/lib/auth/session";
import { PRODUCT_COPY } from "@/lib/catalog/product";
import { apiBaseUrl, curlSnippet, nodeSnippet, snippetAddresses } from "@/lib/dashboard/snippets";
import { getEnv } from "@/lib/env";
import { getTuning } from "@/lib/runtime/tuning";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

import { ENDPOINT_DETAILS } from "./endpoint-details";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

export default async function DocsPage() {
  const user = await requireUser("/dashboard/docs");
  const apiBase = apiBaseUrl(getEnv().APP_URL);
  const addresses = snippetAddresses(user, getEnv().EMAIL_FROM);
  const { rateLimitPerSecond } = getTuning();
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
        <CodeBlock label="Node.js (resend SDK)" code={nodeSnippet(apiBase, "process.env.MAILKIT_API_KEY", addresses)} />
        <CodeBlock label="curl" code={curlSnippet(apiBase, "mk_...", addresses)} />
      </Section>

      <Section title="Endpoints">
        <EndpointTable tags={["Emails", "Suppressions", "Domains"]} />
      </Section>

      <Section title="Suppressions">
        <ul className="list-disc space-y-1 pl-5 text-sm text-gray-700" data-testid="docs-suppressions">
          <li>
            A hard bounce or a spam complaint puts the recipient on <em>your</em> suppression list (see{" "}
            <Link className="font-medium text-brand-700" href="/dashboard/suppressions">
              Suppressions
            </Link>
            ); other customers&apos; lists are separate.
          </li>
          <li>
            A later email leaves suppressed recipients out before anything is held: you are charged only for the others,
            and the <strong>200</strong> answer names the ones left out in <code>suppressed</code> (in a batch, per
            email in <code>data[i].suppressed</code> and all of them at the top).
          </li>
          <li>
            If no <code>to</code> recipient is left, the email is refused with <strong>422</strong>{" "}
            <code>recipients_suppressed</code> naming them in <code>suppressed</code>; nothing is sent or charged. In a
            batch (all-or-nothing) that refuses the whole batch, with the email&apos;s <code>index</code>.
          </li>
          <li>
            An email the provider accepted but then reports as <code>suppressed</code> or <code>failed</code> is
            credited back to your balance (once per email); the message log says &ldquo;credited back&rdquo;.
          </li>
        </ul>
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
          <li>{PRODUCT_COPY.costRule}</li>
          <li>
            Responses carry <code>credits_charged</code> and <code>credits_remaining</code>, also as the headers{" "}
            <code>x-mailkit-credits-charged</code> and <code>x-mailkit-credits-remaining</code>.
          </li>
          <li>
            Not enough credits → <strong>402</strong> <code>insufficient_credits</code> with <code>required</code>,{" "}
            <code>available</code> and <code>top_up_url</code>. Nothing is sent or charged.
          </li>
          <li>
            <strong>200</strong> means accepted for delivery: the credits are held and the email is <code>queued</code>;
            MailKit hands it to the provider moments later and it goes out at most once.{" "}
            <code>GET /emails/{"{id}"}</code> follows it: <code>queued → sent → delivered</code> (or{" "}
            <code>bounced</code>, …). If the provider refuses it, its status becomes <code>failed</code> and the credits
            are released (<code>credits_charged: 0</code>).
          </li>
        </ul>
      </Section>

      <div id="webhooks" className="scroll-mt-4">
        <Section
          title="Webhooks"
          description="Your endpoints receive your emails' events, signed. Same API as resend.webhooks.* (full-access key)."
        >
          <EndpointTable tags={["Webhooks"]} />
          <ul className="list-disc space-y-1 pl-5 text-sm text-gray-700">
            <li>
              Events: <code>{WEBHOOK_EVENT_TYPES.join(", ")}</code>. Email and domain events have Resend&apos;s webhook
              shapes; <code>data.email_id</code> is the id MailKit&apos;s API returned.
            </li>
            <li>
              Each delivery is a POST with <code>webhook-id</code>, <code>webhook-timestamp</code> and{" "}
              <code>webhook-signature</code> (Standard Webhooks): verify with{" "}
              <code>new Webhook(secret).verify(rawBody, headers)</code> from <code>standardwebhooks</code>, or{" "}
              <code>resend.webhooks.verify</code>.
            </li>
            <li>
              Answer 2xx within 15 seconds. Anything else is retried after 5 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h and
              12 h with the same <code>webhook-id</code> (delivery is at least once: deduplicate on it). Redirects are
              not followed. An endpoint failing for a day is disabled and you get an email; replay missed events from
              the dashboard.
            </li>
          </ul>
        </Section>
      </div>

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

function EndpointTable({ tags }: { tags: ApiTag[] }) {
  return (
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
      {PUBLIC_API_OPERATIONS.filter((operation) => tags.includes(operation.tag)).map((operation) => (
        <tr key={operation.id}>
          <Td inset className="whitespace-nowrap font-mono text-xs font-semibold text-gray-900">
            {operation.method} {operation.path}
          </Td>
          <Td inset label="Key" className="whitespace-nowrap text-gray-600">
            {accessLabel(operation.access)}
          </Td>
          <Td inset className="text-gray-700">
            {ENDPOINT_DETAILS[operation.id] ?? operation.summary}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
