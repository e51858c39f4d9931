import type { GetEmailResponseSuccess, ListEmail } from "resend";

import type { InboxMessage, StoredMessage } from "./types";
import { addressOf } from "./validation";

/** Resend renders timestamps the way PostgreSQL prints them: "2026-04-03 22:13:42.674981+00". */
export function resendTimestamp(iso: string): string {
  const [date, time] = iso.replace("Z", "").split("T");
  const [hms, fraction = "0"] = (time ?? "00:00:00").split(".");
  return `${date} ${hms}.${fraction.padEnd(6, "0").slice(0, 6)}+00`;
}

/** GET /emails/{id}. */
export function toGetEmail(m: StoredMessage): GetEmailResponseSuccess {
  return {
    object: "email",
    id: m.id,
    message_id: m.message_id,
    to: m.to,
    from: m.from,
    created_at: resendTimestamp(m.created_at),
    subject: m.subject,
    html: m.html,
    text: m.text,
    bcc: m.bcc,
    cc: m.cc,
    reply_to: m.reply_to,
    last_event: m.last_event,
    scheduled_at: m.scheduled_at ? resendTimestamp(m.scheduled_at) : null,
    tags: m.tags ?? [],
    topic_id: m.topic_id,
  };
}

/** One item of GET /emails. */
export function toListEmail(m: StoredMessage): ListEmail {
  const { html: _html, text: _text, tags: _tags, object: _object, ...rest } = toGetEmail(m);
  return rest;
}

/** The inbox JSON API's view: everything captured, with ISO timestamps and the links found in the body. */
export function toInboxMessage(m: StoredMessage): InboxMessage {
  const { pending: _pending, batch_index: _batch, ...rest } = m;
  return { ...rest, links: extractLinks(m.html, m.text) };
}

/** Does any recipient (to, cc, bcc) have this address? Case-insensitive, ignores display names. */
export function hasRecipient(m: StoredMessage, address: string): boolean {
  const wanted = (addressOf(address) ?? address).trim().toLowerCase();
  return recipientsOf(m).some((r) => (addressOf(r) ?? r.toLowerCase()) === wanted);
}

export function recipientsOf(m: StoredMessage): string[] {
  return [...m.to, ...(m.cc ?? []), ...(m.bcc ?? [])];
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  "#39": "'",
  "#x27": "'",
  "#x2F": "/",
  "#47": "/",
};

function decodeEntities(value: string): string {
  return value.replace(/&(#x?[0-9a-f]+|[a-z]+);/gi, (whole, name: string) => {
    const known = ENTITIES[name] ?? ENTITIES[name.toLowerCase()];
    if (known) return known;
    if (name.startsWith("#x") || name.startsWith("#X")) return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith("#")) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return whole;
  });
}

/**
 * http(s) and mailto links from `href`s in the HTML and bare URLs in the text, in order, de-duplicated.
 * Other schemes (javascript:, data:) are dropped: the inbox renders these as clickable anchors.
 */
export function extractLinks(html: string | null, text: string | null): string[] {
  const found: string[] = [];
  if (html) {
    for (const match of html.matchAll(/<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)) {
      found.push(decodeEntities((match[1] ?? match[2] ?? match[3] ?? "").trim()));
    }
  }
  // A sentence's final period or comma is not part of the URL.
  if (text)
    for (const match of text.matchAll(/https?:\/\/[^\s<>"')\]]+/g)) found.push(match[0].replace(/[.,;:!?]+$/, ""));
  return [...new Set(found.filter((link) => /^(https?:\/\/|mailto:)/i.test(link)))];
}
