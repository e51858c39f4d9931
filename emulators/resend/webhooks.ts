import { randomBytes, randomUUID } from "node:crypto";
import type {
  CreateWebhookResponseSuccess,
  GetWebhookResponseSuccess,
  ListWebhooksResponseSuccess,
  RemoveWebhookResponseSuccess,
  RotateWebhookSigningSecretResponseSuccess,
  UpdateWebhookResponseSuccess,
  WebhookEvent,
} from "resend";

import type { WebhookDeliverer } from "../shared/webhooks";
import { errors, type ApiResult } from "./errors";
import type { ResendStore } from "./store";

/**
 * Resend's Webhooks API (`/webhooks`) as the SDK calls it: create (answers the endpoint's own `signing_secret`),
 * list, get, update (`endpoint`, `events`, `status`), remove, rotate the secret. Every event goes to each enabled
 * webhook subscribed to its type, signed with that webhook's secret, as Resend does.
 *
 * A fresh emulator starts with one webhook as a team configured in Resend's dashboard: `${appUrl}/api/webhooks/resend`
 * with every email and domain event, signed with the configured secret (LOCAL_DEFAULTS.resendWebhookSecret), so the
 * app receives events before `npm run resend:setup` narrows them. The control plane's `webhookUrl` moves it.
 */

export type StoredWebhook = {
  id: string;
  endpoint: string;
  events: WebhookEvent[];
  status: "enabled" | "disabled";
  created_at: string;
  signing_secret: string;
  /** The dashboard-configured webhook the emulator starts with (the control plane's `webhookUrl`). */
  preconfigured?: boolean;
};

/** Every event type of the SDK's union (what Resend accepts in `events`). */
export const WEBHOOK_EVENTS = [
  "email.sent",
  "email.scheduled",
  "email.delivered",
  "email.delivery_delayed",
  "email.complained",
  "email.bounced",
  "email.opened",
  "email.clicked",
  "email.received",
  "email.failed",
  "email.suppressed",
  "contact.created",
  "contact.updated",
  "contact.deleted",
  "contact.topics.updated",
  "domain.created",
  "domain.updated",
  "domain.deleted",
  "suppression.added",
  "suppression.removed",
  "topic.created",
  "topic.updated",
  "topic.deleted",
  "inbox.created",
  "inbox.updated",
  "inbox.deleted",
  "inbox.thread.created",
  "inbox.thread.folder.updated",
  "inbox.thread.assigned",
  "inbox.thread.unassigned",
  "inbox.thread.labels.updated",
  "inbox.email.received",
  "inbox.email.sent",
  "inbox.draft.created",
  "inbox.draft.updated",
  "inbox.draft.sent",
  "inbox.draft.deleted",
] as const satisfies readonly WebhookEvent[];
// Fails to compile when the SDK's union gains a type this list lacks.
const _everyEvent: Exclude<WebhookEvent, (typeof WEBHOOK_EVENTS)[number]> extends never ? true : never = true;

/** What the dashboard-configured webhook subscribes to: every email and domain event. */
const PRECONFIGURED_EVENTS: WebhookEvent[] = WEBHOOK_EVENTS.filter(
  (e) => e.startsWith("email.") || e.startsWith("domain."),
);

export type WebhookRegistryOptions = {
  store: ResendStore;
  deliverer: WebhookDeliverer;
  /** Where the dashboard-configured webhook points on a fresh emulator (null: none). */
  defaultEndpoint: string | null;
  /** Its signing secret. */
  defaultSecret: string;
};

export class WebhookRegistry {
  constructor(private readonly options: WebhookRegistryOptions) {
    // Like the app's URL in the dashboard, the preconfigured webhook follows where this run's app listens.
    const preconfigured = this.ensureSeeded().find((h) => h.preconfigured);
    if (preconfigured && options.defaultEndpoint !== null) preconfigured.endpoint = options.defaultEndpoint;
  }

  get all(): StoredWebhook[] {
    return this.ensureSeeded();
  }

  /** Sends an event to every enabled webhook subscribed to its type; the first delivery's id (for the inbox). */
  dispatch(type: WebhookEvent, payload: unknown): string | undefined {
    let first: string | undefined;
    for (const hook of this.all) {
      if (hook.status !== "enabled" || !hook.events.includes(type)) continue;
      const delivery = this.options.deliverer.send(hook.endpoint, type, payload, { secret: hook.signing_secret });
      first ??= delivery.id;
    }
    return first;
  }

  /** The dashboard-configured webhook's endpoint (null when there is none, or it is disabled). */
  get preconfiguredEndpoint(): string | null {
    const hook = this.all.find((h) => h.preconfigured);
    return hook && hook.status === "enabled" ? hook.endpoint : null;
  }

  /** Points the dashboard-configured webhook elsewhere (created when missing); null removes it. */
  setPreconfiguredEndpoint(url: string | null): void {
    const hooks = this.all;
    const index = hooks.findIndex((h) => h.preconfigured);
    if (url === null) {
      if (index !== -1) hooks.splice(index, 1);
    } else if (index === -1) {
      hooks.push(this.newWebhook(url, PRECONFIGURED_EVENTS, this.options.defaultSecret, true));
    } else {
      hooks[index]!.endpoint = url;
      hooks[index]!.status = "enabled";
    }
    this.options.store.save();
  }

  // ---- API ----------------------------------------------------------------------------------------------

  create(body: unknown): ApiResult {
    const input = (body ?? {}) as Record<string, unknown>;
    if (input.endpoint === undefined || input.endpoint === null || input.endpoint === "")
      return errors.missingField("endpoint");
    const endpoint = parseEndpoint(input.endpoint);
    if (typeof endpoint !== "string") return endpoint;
    if (input.events === undefined || input.events === null) return errors.missingField("events");
    const events = parseEvents(input.events);
    if (!Array.isArray(events)) return events;
    const hook = this.newWebhook(endpoint, events, newSigningSecret(), false);
    this.all.push(hook);
    this.options.store.save();
    const response: CreateWebhookResponseSuccess = {
      object: "webhook",
      id: hook.id,
      signing_secret: hook.signing_secret,
    };
    return { status: 200, body: response };
  }

  list(query: URLSearchParams): ApiResult {
    const limitParam = query.get("limit");
    const limit = limitParam === null ? 20 : Number(limitParam);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      return errors.validation("The `limit` parameter must be an integer between 1 and 100.");
    const after = query.get("after");
    const before = query.get("before");
    if (after !== null && before !== null)
      return errors.validation("You can only use either the `after` or the `before` parameter, not both.");
    const newestFirst = [...this.all].reverse();
    let items = newestFirst;
    let hasMore: boolean;
    const cursor = after ?? before;
    const at = cursor === null ? -1 : newestFirst.findIndex((h) => h.id === cursor);
    if (cursor !== null && at === -1)
      return errors.validation(`The \`${after !== null ? "after" : "before"}\` cursor does not match any webhook.`);
    if (after !== null) {
      const rest = newestFirst.slice(at + 1);
      items = rest.slice(0, limit);
      hasMore = rest.length > limit;
    } else if (before !== null) {
      const newer = newestFirst.slice(0, at);
      items = newer.slice(Math.max(0, newer.length - limit));
      hasMore = newer.length > limit;
    } else {
      items = newestFirst.slice(0, limit);
      hasMore = newestFirst.length > limit;
    }
    const body: ListWebhooksResponseSuccess = {
      object: "list",
      has_more: hasMore,
      data: items.map((h) => ({
        id: h.id,
        endpoint: h.endpoint,
        created_at: h.created_at,
        status: h.status,
        events: [...h.events],
      })),
    };
    return { status: 200, body };
  }

  get(id: string): ApiResult {
    const hook = this.find(id);
    if (!hook) return errors.notFound("Webhook not found");
    const body: GetWebhookResponseSuccess = {
      object: "webhook",
      id: hook.id,
      created_at: hook.created_at,
      status: hook.status,
      endpoint: hook.endpoint,
      events: [...hook.events],
      signing_secret: hook.signing_secret,
    };
    return { status: 200, body };
  }

  update(id: string, body: unknown): ApiResult {
    const hook = this.find(id);
    if (!hook) return errors.notFound("Webhook not found");
    const input = (body ?? {}) as Record<string, unknown>;
    const endpoint = input.endpoint === undefined ? hook.endpoint : parseEndpoint(input.endpoint);
    if (typeof endpoint !== "string") return endpoint;
    const events = input.events === undefined ? hook.events : parseEvents(input.events);
    if (!Array.isArray(events)) return events;
    if (input.status !== undefined && input.status !== "enabled" && input.status !== "disabled")
      return errors.validation("The `status` field must be `enabled` or `disabled`.");
    hook.endpoint = endpoint;
    hook.events = events;
    if (input.status !== undefined) hook.status = input.status as StoredWebhook["status"];
    this.options.store.save();
    const response: UpdateWebhookResponseSuccess = { object: "webhook", id: hook.id };
    return { status: 200, body: response };
  }

  remove(id: string): ApiResult {
    const hooks = this.all;
    const index = hooks.findIndex((h) => h.id === id);
    if (index === -1) return errors.notFound("Webhook not found");
    hooks.splice(index, 1);
    this.options.store.save();
    const body: RemoveWebhookResponseSuccess = { object: "webhook", id, deleted: true };
    return { status: 200, body };
  }

  rotateSecret(id: string): ApiResult {
    const hook = this.find(id);
    if (!hook) return errors.notFound("Webhook not found");
    hook.signing_secret = newSigningSecret();
    this.options.store.save();
    const body: RotateWebhookSigningSecretResponseSuccess = {
      object: "webhook",
      id: hook.id,
      signing_secret: hook.signing_secret,
    };
    return { status: 200, body };
  }

  private find(id: string): StoredWebhook | undefined {
    return this.all.find((h) => h.id === id);
  }

  /** A fresh (or reset) emulator has the dashboard-configured webhook; an emptied list stays empty. */
  private ensureSeeded(): StoredWebhook[] {
    const { store, defaultEndpoint, defaultSecret } = this.options;
    if (store.webhooks === undefined) {
      store.webhooks =
        defaultEndpoint === null ? [] : [this.newWebhook(defaultEndpoint, PRECONFIGURED_EVENTS, defaultSecret, true)];
    }
    return store.webhooks;
  }

  private newWebhook(endpoint: string, events: WebhookEvent[], secret: string, preconfigured: boolean): StoredWebhook {
    return {
      id: randomUUID(),
      endpoint,
      events: [...events],
      status: "enabled",
      created_at: new Date().toISOString(),
      signing_secret: secret,
      ...(preconfigured ? { preconfigured } : {}),
    };
  }
}

/** A new Svix-style secret: `whsec_` and 24 random bytes in base64. */
function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

function parseEndpoint(value: unknown): string | ApiResult {
  if (typeof value !== "string") return errors.validation("The `endpoint` field must be a string.");
  try {
    const url = new URL(value);
    if (url.protocol === "http:" || url.protocol === "https:") return value;
  } catch {
    // refused below
  }
  return errors.validation("The `endpoint` field must be a valid URL.");
}

function parseEvents(value: unknown): WebhookEvent[] | ApiResult {
  if (!Array.isArray(value) || value.length === 0)
    return errors.validation("The `events` field must be a non-empty array of event types.");
  for (const event of value)
    if (typeof event !== "string" || !(WEBHOOK_EVENTS as readonly string[]).includes(event))
      return errors.validation(`Invalid event type: ${JSON.stringify(event)}.`);
  return [...new Set(value as WebhookEvent[])];
}
