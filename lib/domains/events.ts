import type { WebhookEventPayload } from "resend";

import type { EventHandler, HandlerTable } from "@/lib/inbound/inbox";

import { applyDomainEvent } from "./sync";

type DomainEvent = Extract<WebhookEventPayload, { type: `domain.${string}` }>;

/** A customer's sender domain changed in Resend (received by lib/inbound/resend.ts): status and DNS records follow. */
const recordDomainEvent: EventHandler<DomainEvent> = {
  async apply(event, tx) {
    return { outcome: await applyDomainEvent(tx, event) };
  },
};

export const domainEventHandlers: HandlerTable<DomainEvent> = {
  "domain.created": recordDomainEvent,
  "domain.updated": recordDomainEvent,
  "domain.deleted": recordDomainEvent,
};
