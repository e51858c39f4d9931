import type { GetEmailResponseSuccess, Tag } from "resend";

import type { StoredDomain } from "./domains";
import type { StoredWebhook } from "./webhooks";

/** `last_event` as the SDK types it, so a drift from Resend's wire values fails to compile. */
export type LastEvent = GetEmailResponseSuccess["last_event"];

/** Webhook event types the emulator emits (all of them are in the SDK's `WebhookEvent` union). */
export type EmailWebhookType =
  | "email.scheduled"
  | "email.sent"
  | "email.delivered"
  | "email.bounced"
  | "email.complained"
  | "email.suppressed"
  | "email.opened"
  | "email.clicked";

/** One entry of a message's timeline; `email.canceled` is recorded but never sent as a webhook (Resend has none). */
export type TimelineEvent = {
  type: EmailWebhookType | "email.canceled";
  created_at: string; // ISO 8601
  to: string[]; // the recipients this event is about
  bounce?: { message: string; subType: string; type: string };
  suppressed?: { message: string; type: string };
  /** email.clicked: the link followed (Resend's EmailClick). */
  click?: { ipAddress: string; link: string; timestamp: string; userAgent: string };
  webhook_id?: string; // svix-id of the webhook delivery, when one was sent
};

/** An event planned for later (kept in state so a restart still delivers it). */
export type PendingEvent = Omit<TimelineEvent, "created_at" | "webhook_id"> & {
  type: EmailWebhookType;
  due_at: number;
};

export type StoredAttachment = {
  filename: string | null;
  content_type: string | null;
  size: number | null;
  path: string | null;
};

/** A send request after validation, normalised to arrays (what GET /emails/{id} returns). */
export type ValidatedEmail = {
  from: string;
  to: string[];
  cc: string[] | null;
  bcc: string[] | null;
  reply_to: string[] | null;
  subject: string;
  html: string | null;
  text: string | null;
  headers: Record<string, string> | null;
  tags: Tag[] | null;
  attachments: StoredAttachment[] | null;
  topic_id: string | null;
  scheduled_at: string | null; // ISO 8601
};

/** A captured email, stored once per accepted email (a batch stores one per item). */
export type StoredMessage = ValidatedEmail & {
  id: string;
  message_id: string;
  created_at: string; // ISO 8601 (rendered in Resend's format by the API)
  last_event: LastEvent;
  events: TimelineEvent[];
  pending: PendingEvent[];
  idempotency_key: string | null;
  batch_index: number | null; // position in its batch request, null for single sends
  api_key: string; // masked (re_…last4), for the inbox
};

/** What a completed idempotent request answered, replayed for the same key and body within the TTL. */
export type IdempotencyRecord = {
  scope: string; // "POST /emails" or "POST /emails/batch"
  key: string;
  fingerprint: string; // sha256 of the canonical request body
  status: number;
  body: unknown;
  created_at: number; // epoch ms
};

export type ResendState = {
  messages: StoredMessage[]; // oldest first (append-only)
  idempotency: Record<string, IdempotencyRecord>; // by `${scope} ${key}`
  domains: StoredDomain[]; // oldest first (domains.ts)
  /** Refuse `from` addresses whose domain is not verified here (403 validation_error), like Resend. */
  enforceVerifiedDomains: boolean;
  /** Registered webhooks (webhooks.ts); absent until first seeded with the dashboard-configured one. */
  webhooks?: StoredWebhook[];
};

export type RateLimitSettings = { enabled: boolean; perSecond: number };

/** The inbox JSON API's view of a message (also what `emulator.messages()` returns). */
export type InboxMessage = Omit<StoredMessage, "pending" | "batch_index"> & { links: string[] };
