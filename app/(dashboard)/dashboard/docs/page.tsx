import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";

import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Table, Td, Th } from "@/components/ui/table";
import { requireUser } from "@/lib/auth/session";
import { apiBaseUrl, curlSnippet, nodeSnippet, snippetAddresses } from "@/lib/dashboard/snippets";
import { getEnv } from "@/lib/env";
import { getSendingConfig } from "@/lib/sending/config";
import { WEBHOOK_EVENT_TYPES } from "@/lib/webhooks/events";

export const metadata: Metadata = { title: "API reference" };
export const dynamic = "force-dynamic";

export default async function DocsPage() {
  const user = await requireUser("/dashboard/docs");
  const apiBase = apiBaseUrl(getEnv().APP_URL);
  const addresses = snippetAddresses(user, getEnv().EMAIL_FROM);
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
        <CodeBlock label="Node.js (resend SDK)" code={nodeSnippet(apiBase, "process.env.MAILKIT_API_KEY", addresses)} />
        <CodeBlock label="curl" code={curlSnippet(apiBase, "mk_...", addresses)} />
      </Section>

      <Section title="Endpoints">
        <EndpointTable>
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
          <Row endpoint="GET /suppressions" access="full">
            Your suppression list, newest first (as Resend&apos;s <code>suppressions.list</code>): <code>email</code>,{" "}
            <code>origin</code> (bounce, complaint, manual), <code>source_id</code> (the email that caused it),{" "}
            <code>created_at</code>. Filters: <code>origin</code>, <code>search</code> (part of the address);{" "}
            <code>limit</code>, <code>after</code> / <code>before</code>.
          </Row>
          <Row endpoint="POST /suppressions" access="full">
            Adds <code>{`{ "email": … }`}</code> to the list by hand (origin <code>manual</code>).
          </Row>
          <Row endpoint="GET /suppressions/{id or email}" access="full">
            One entry.
          </Row>
          <Row endpoint="DELETE /suppressions/{id or email}" access="full">
            Removes the entry: later emails to the address are sent and charged again.
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
        </EndpointTable>
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
          <EndpointTable>
            <Row endpoint="POST /webhooks" access="full">
              Registers <code>{`{ endpoint, events }`}</code> and answers <code>signing_secret</code> (
              <code>whsec_…</code>) — shown this once. <code>endpoint</code> must be <code>https://</code> on a public
              host: private, loopback, link-local and reserved addresses are refused, now and at every delivery.
            </Row>
            <Row endpoint="GET /webhooks" access="full">
              Your endpoints.
            </Row>
            <Row endpoint="GET /webhooks/{id}" access="full">
              One endpoint (<code>status</code>, <code>events</code>, <code>disabled_reason</code>; the secret masked).
            </Row>
            <Row endpoint="PATCH /webhooks/{id}" access="full">
              Change <code>endpoint</code>, <code>events</code> or <code>status</code> (<code>enabled</code> /{" "}
              <code>disabled</code>).
            </Row>
            <Row endpoint="DELETE /webhooks/{id}" access="full">
              Removes the endpoint and its delivery log.
            </Row>
            <Row endpoint="POST /webhooks/{id}/signing-secret/rotate" access="full">
              A new secret; later deliveries are signed with it.
            </Row>
            <Row endpoint="GET /webhooks/{id}/events" access="full">
              The delivery log, newest first (<code>limit</code> 1–100): each event&apos;s <code>id</code> (its{" "}
              <code>webhook-id</code>), <code>type</code> and <code>status</code> (success, pending, attempting,
              failed).
            </Row>
            <Row endpoint="GET /webhooks/{id}/events/{eventId}" access="full">
              One event with its <code>payload</code>, attempts and last response.
            </Row>
            <Row endpoint="POST /webhooks/{id}/events/{eventId}/replay" access="full">
              Delivers the event again: same <code>webhook-id</code>, same payload.
            </Row>
          </EndpointTable>
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

function EndpointTable({ children }: { children: ReactNode }) {
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
      {children}
    </Table>
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
