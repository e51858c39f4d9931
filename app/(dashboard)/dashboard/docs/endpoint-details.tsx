import type { ReactNode } from "react";

/**
 * What each operation of the public API does, in the docs page's words, by operation id (lib/api/*-operations.ts).
 * An operation without an entry is described by its summary.
 */
export const ENDPOINT_DETAILS: Record<string, ReactNode> = {
  sendEmail: (
    <>
      Sends one email. Body as Resend: <code>from</code>, <code>to</code>, <code>subject</code>, <code>html</code>{" "}
      and/or <code>text</code>, optional <code>cc</code>, <code>bcc</code>, <code>reply_to</code>, <code>headers</code>,{" "}
      <code>tags</code>, <code>attachments</code>, <code>scheduled_at</code> (up to 30 days ahead).
    </>
  ),
  sendBatch: (
    <>
      Up to 100 emails in one request, all-or-nothing: the total cost is held at once and either every email is sent or
      none is. No attachments.
    </>
  ),
  getEmail: (
    <>
      One email with <code>last_event</code> (delivered, bounced …), MailKit&apos;s <code>status</code> and{" "}
      <code>credits_charged</code>.
    </>
  ),
  cancelEmail: (
    <>
      Cancels a scheduled email before its time (as Resend&apos;s <code>emails.cancel</code>) and returns its credits;
      answers <code>{`{ "object": "email", "id": … }`}</code>. An email already sent is a 422; one being handed to
      Resend at that moment is a 409 (try again).
    </>
  ),
  listEmails: (
    <>
      Your emails, newest first: <code>limit</code> (1–100), <code>after</code> / <code>before</code> cursors.
    </>
  ),
  listSuppressions: (
    <>
      Your suppression list, newest first (as Resend&apos;s <code>suppressions.list</code>): <code>email</code>,{" "}
      <code>origin</code> (bounce, complaint, manual), <code>source_id</code> (the email that caused it),{" "}
      <code>created_at</code>. Filters: <code>origin</code>, <code>search</code> (part of the address);{" "}
      <code>limit</code>, <code>after</code> / <code>before</code>.
    </>
  ),
  addSuppression: (
    <>
      Adds <code>{`{ "email": … }`}</code> to the list by hand (origin <code>manual</code>).
    </>
  ),
  getSuppression: <>One entry.</>,
  removeSuppression: <>Removes the entry: later emails to the address are sent and charged again.</>,
  createDomain: (
    <>
      Adds a sender domain (<code>name</code>, optional <code>region</code>) and answers its DNS <code>records</code>{" "}
      (SPF MX and TXT, DKIM, DMARC) to publish. A domain belongs to one account: 403 if it is taken.
    </>
  ),
  listDomains: (
    <>
      Your domains with their <code>status</code>: <code>not_started</code>, <code>pending</code>, <code>verified</code>
      , <code>failed</code> or <code>temporary_failure</code>.
    </>
  ),
  getDomain: <>One domain with its records and each record&apos;s status.</>,
  verifyDomain: (
    <>
      Checks the DNS records now: <code>pending</code>, then <code>verified</code> or <code>failed</code>.
    </>
  ),
  removeDomain: <>Removes the domain; emails from it are refused from then on.</>,
  createWebhook: (
    <>
      Registers <code>{`{ endpoint, events }`}</code> and answers <code>signing_secret</code> (<code>whsec_…</code>) —
      shown this once. <code>endpoint</code> must be <code>https://</code> on a public host: private, loopback,
      link-local and reserved addresses are refused, now and at every delivery.
    </>
  ),
  listWebhooks: <>Your endpoints.</>,
  getWebhook: (
    <>
      One endpoint (<code>status</code>, <code>events</code>, <code>disabled_reason</code>; the secret masked).
    </>
  ),
  updateWebhook: (
    <>
      Change <code>endpoint</code>, <code>events</code> or <code>status</code> (<code>enabled</code> /{" "}
      <code>disabled</code>).
    </>
  ),
  removeWebhook: <>Removes the endpoint and its delivery log.</>,
  rotateWebhookSigningSecret: <>A new secret; later deliveries are signed with it.</>,
  listWebhookEvents: (
    <>
      The delivery log, newest first (<code>limit</code> 1–100): each event&apos;s <code>id</code> (its{" "}
      <code>webhook-id</code>), <code>type</code> and <code>status</code> (success, pending, attempting, failed).
    </>
  ),
  getWebhookEvent: (
    <>
      One event with its <code>payload</code>, attempts and last response.
    </>
  ),
  replayWebhookEvent: (
    <>
      Delivers the event again: same <code>webhook-id</code>, same payload.
    </>
  ),
  replayWebhookEventsSince: (
    <>
      Delivers again every finished event since <code>since</code> (e.g. after an outage), each with its own{" "}
      <code>webhook-id</code> and payload, signed anew. The endpoint must be enabled.
    </>
  ),
};
