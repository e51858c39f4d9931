import type {
  EmailBouncedEvent,
  EmailClickedEvent,
  EmailComplainedEvent,
  EmailDeliveredEvent,
  EmailOpenedEvent,
  EmailScheduledEvent,
  EmailSentEvent,
  EmailSuppressedEvent,
} from "resend";

import type { ResendStore } from "./store";
import { addressOf } from "./validation";
import type { EmailWebhookType, LastEvent, PendingEvent, StoredMessage, TimelineEvent } from "./types";
import type { WebhookRegistry } from "./webhooks";

/**
 * Delivery simulation. Each accepted email gets a plan of events (sent, then delivered / bounced / complained /
 * suppressed depending on the recipients), a few ms apart, or starting at `scheduled_at` for scheduled emails.
 * The plan is stored on the message, so a restart still fires what was pending.
 */

export type Outcome = "delivered" | "bounced" | "complained" | "suppressed";

/** Resend's test addresses (labels allowed: `delivered+x@resend.dev`); any other address is delivered. */
export function outcomeOf(recipient: string): Outcome {
  const address = addressOf(recipient) ?? recipient.toLowerCase();
  const at = address.lastIndexOf("@");
  if (address.slice(at + 1) !== "resend.dev") return "delivered";
  const local = address.slice(0, at);
  const base = local.split("+")[0];
  if (base === "bounced") return "bounced";
  if (base === "complained") return "complained";
  if (local === "suppressed") return "suppressed"; // Resend: the suppressed address takes no label
  return "delivered";
}

const BOUNCE = {
  type: "Permanent",
  subType: "General",
  message: "The recipient's email provider sent a hard bounce message (smtp; 550 5.1.1 Unknown User).",
};
const SUPPRESSED = {
  type: "OnAccountSuppressionList",
  message: "The recipient is on the suppression list because it has previously bounced.",
};

/** The events an email goes through, starting at `startAt` (epoch ms), `stepMs` apart. */
export function planEvents(
  message: Pick<StoredMessage, "to" | "cc" | "bcc" | "scheduled_at">,
  now: number,
  stepMs: number,
): PendingEvent[] {
  const plan: PendingEvent[] = [];
  const scheduledFor = message.scheduled_at ? Date.parse(message.scheduled_at) : undefined;
  let t = now;
  if (scheduledFor !== undefined && scheduledFor > now) {
    plan.push({ type: "email.scheduled", to: message.to, due_at: (t += stepMs) });
    t = scheduledFor;
  }
  plan.push({ type: "email.sent", to: message.to, due_at: (t += stepMs) });

  const groups: Record<Outcome, string[]> = { delivered: [], bounced: [], complained: [], suppressed: [] };
  for (const r of [...message.to, ...(message.cc ?? []), ...(message.bcc ?? [])]) groups[outcomeOf(r)].push(r);
  // A complaint comes after the mail was delivered, as with real mailbox providers.
  const delivered = [...groups.delivered, ...groups.complained];
  if (delivered.length) plan.push({ type: "email.delivered", to: delivered, due_at: (t += stepMs) });
  if (groups.bounced.length)
    plan.push({ type: "email.bounced", to: groups.bounced, bounce: BOUNCE, due_at: (t += stepMs) });
  if (groups.suppressed.length)
    plan.push({ type: "email.suppressed", to: groups.suppressed, suppressed: SUPPRESSED, due_at: (t += stepMs) });
  if (groups.complained.length) plan.push({ type: "email.complained", to: groups.complained, due_at: (t += stepMs) });
  return plan;
}

const LAST_EVENT: Record<TimelineEvent["type"], LastEvent> = {
  "email.scheduled": "scheduled",
  "email.sent": "sent",
  "email.delivered": "delivered",
  "email.bounced": "bounced",
  "email.complained": "complained",
  "email.suppressed": "suppressed",
  "email.opened": "opened",
  "email.clicked": "clicked",
  "email.canceled": "canceled",
};

export function lastEventOf(type: TimelineEvent["type"]): LastEvent {
  return LAST_EVENT[type];
}

export type EmailEventPayload =
  | EmailScheduledEvent
  | EmailSentEvent
  | EmailDeliveredEvent
  | EmailBouncedEvent
  | EmailComplainedEvent
  | EmailSuppressedEvent
  | EmailOpenedEvent
  | EmailClickedEvent;

/** The webhook body Resend sends for this event, typed by the SDK. */
export function webhookPayload(
  message: StoredMessage,
  event: TimelineEvent & { type: EmailWebhookType },
): EmailEventPayload {
  const data: EmailSentEvent["data"] = {
    created_at: message.created_at,
    email_id: message.id,
    message_id: message.message_id,
    from: message.from,
    to: event.to,
    subject: message.subject,
    ...(message.tags?.length ? { tags: Object.fromEntries(message.tags.map((t) => [t.name, t.value])) } : {}),
  };
  const created_at = event.created_at;
  switch (event.type) {
    case "email.bounced":
      return { type: event.type, created_at, data: { ...data, bounce: event.bounce ?? BOUNCE } };
    case "email.suppressed":
      return { type: event.type, created_at, data: { ...data, suppressed: event.suppressed ?? SUPPRESSED } };
    case "email.clicked":
      return {
        type: event.type,
        created_at,
        data: {
          ...data,
          click: event.click ?? { ipAddress: "192.0.2.1", link: "", timestamp: created_at, userAgent: "Emulator" },
        },
      };
    default:
      return { type: event.type, created_at, data };
  }
}

// setTimeout's limit; a later event simply re-arms the timer when it wakes up early.
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Fires planned events when due: records them on the message and sends them as signed webhooks. */
export class EventScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly store: ResendStore,
    private readonly webhooks: Pick<WebhookRegistry, "dispatch">,
  ) {}

  /** Arms (or re-arms) the timer for a message's next pending event. */
  track(message: StoredMessage): void {
    const existing = this.timers.get(message.id);
    if (existing) clearTimeout(existing);
    this.timers.delete(message.id);
    const next = nextDue(message);
    if (next === undefined) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(message.id);
        this.fire(message);
      },
      Math.min(Math.max(0, next - Date.now()), MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(message.id, timer);
  }

  /** Re-arms every message with pending events (after a restart). */
  resumeAll(): void {
    for (const m of this.store.all) if (m.pending.length) this.track(m);
  }

  /** The earliest due time of any pending event, if any. */
  nextDueAt(): number | undefined {
    let min: number | undefined;
    for (const m of this.store.all) {
      const due = nextDue(m);
      if (due !== undefined && (min === undefined || due < min)) min = due;
    }
    return min;
  }

  /** Moves a message's remaining events to now (a scheduled email is "sent now"). */
  runNow(message: StoredMessage, stepMs: number): void {
    const now = Date.now();
    message.pending.forEach((e, i) => (e.due_at = now + i * stepMs));
    this.store.save();
    this.track(message);
  }

  /** Replaces what is still pending (cancel / reschedule). */
  replan(message: StoredMessage, pending: PendingEvent[]): void {
    message.pending = pending;
    this.store.save();
    this.track(message);
  }

  /** Records an event now and sends it to the webhooks subscribed to its type (`email.canceled` has none). */
  record(message: StoredMessage, event: Omit<TimelineEvent, "created_at" | "webhook_id">): TimelineEvent {
    // A late timer fires several due events at once: each still gets its own, later time, as Resend's steps do.
    const previous = message.events.length ? Date.parse(message.events[message.events.length - 1]!.created_at) : 0;
    const entry: TimelineEvent = { ...event, created_at: new Date(Math.max(Date.now(), previous + 1)).toISOString() };
    if (entry.type !== "email.canceled") {
      const webhookEvent = entry as TimelineEvent & { type: EmailWebhookType };
      entry.webhook_id = this.webhooks.dispatch(entry.type, webhookPayload(message, webhookEvent));
    }
    message.events.push(entry);
    message.last_event = lastEventOf(entry.type);
    this.store.save();
    return entry;
  }

  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  private fire(message: StoredMessage): void {
    if (this.store.get(message.id) !== message) return; // reset since
    const now = Date.now();
    const due = message.pending.filter((e) => e.due_at <= now).sort((a, b) => a.due_at - b.due_at);
    message.pending = message.pending.filter((e) => e.due_at > now);
    for (const { due_at: _due, ...event } of due) this.record(message, event);
    this.store.save();
    this.track(message);
  }
}

function nextDue(message: StoredMessage): number | undefined {
  return message.pending.length ? Math.min(...message.pending.map((e) => e.due_at)) : undefined;
}
