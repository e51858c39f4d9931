import type { WebhookEventPayload } from "resend";

import type { Prisma } from "@/lib/db";

/** Resend's events about an email MailKit sent (`email.received` is inbound mail, not a send). */
export type EmailEvent = Exclude<Extract<WebhookEventPayload, { type: `email.${string}` }>, { type: "email.received" }>;

/** The fields of an email event MailKit reads (lib/inbound/resend.ts checks their shape first). */
export type EmailEventData = {
  email_id?: string;
  created_at?: string;
  to?: string[];
  tags?: Record<string, string> | { name: string; value: string }[];
};

export function tagValue(tags: EmailEventData["tags"], name: string): string | undefined {
  if (!tags) return undefined;
  if (Array.isArray(tags)) return tags.find((t) => t.name === name)?.value;
  return tags[name];
}

/** Years 0000–9999 only: JavaScript reads "+210043-06-24T…", PostgreSQL's timestamp input does not. */
const LATEST_TIME = Date.parse("9999-12-31T23:59:59.999Z");

/** The event's time, or null when it is missing or not a time a timestamp column holds (then: now). */
export function parseTime(value: unknown): Date | null {
  if (typeof value !== "string") return null;
  const time = Date.parse(value);
  return Number.isNaN(time) || time < 0 || time > LATEST_TIME ? null : new Date(time);
}

/** What is worth keeping for the timeline (bounce and suppression reasons, failures, clicks). */
export function pickDetail(rest: Record<string, unknown>): Prisma.InputJsonValue | undefined {
  const keep: Record<string, unknown> = {};
  for (const field of ["bounce", "suppressed", "failed", "click"])
    if (rest[field] !== undefined) keep[field] = rest[field];
  return Object.keys(keep).length ? (keep as Prisma.InputJsonValue) : undefined;
}
