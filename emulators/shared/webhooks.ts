import { Webhook } from "standardwebhooks";
import { randomBytes } from "node:crypto";

import { JsonStore } from "./store";

/**
 * At-least-once webhook delivery with Standard Webhooks signatures (`v1,` HMAC-SHA256 over id.timestamp.body).
 * Dodo sends `webhook-*` headers; Resend (Svix) sends the same signature under `svix-*` headers.
 * Each attempt is signed at send time. The first attempt is immediate; retries follow the real schedule
 * compressed 1000× (5 s → 5 ms …), and every attempt lands in a delivery log that the control plane can list,
 * redeliver or duplicate.
 */
export type HeaderStyle = "webhook" | "svix";

export type DeliveryAttempt = { at: string; status: number | null; error?: string; durationMs: number };
export type Delivery = {
  id: string; // the webhook-id / svix-id; the same id for every retry and redelivery of one message
  type: string;
  url: string;
  body: string;
  createdAt: string;
  state: "pending" | "delivered" | "failed";
  attempts: DeliveryAttempt[];
  /** The endpoint's own signing secret, when it has one (Resend signs each endpoint with its secret). */
  secret?: string;
};

export type DelivererOptions = {
  name: string;
  stateDir: string | undefined;
  secret: string; // whsec_<base64>
  headerStyle: HeaderStyle;
  idPrefix: string;
  /**
   * Delays before each retry, in ms (real schedules compressed). The first attempt is always immediate, so
   * `[0, 5]` means: attempt, retry at once, retry 5 ms later, then mark the message failed.
   */
  retryDelaysMs?: number[];
  timeoutMs?: number;
};

// Dodo/Svix retries after a failed first attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
// (8 retries, then failed) — compressed 1000× so a failing endpoint gives up after ~1.7 min, not ~28 h.
export const DEFAULT_RETRY_DELAYS_MS = [0, 5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

export class WebhookDeliverer {
  private readonly store: JsonStore<{ deliveries: Delivery[] }>;
  private readonly signer: Webhook;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  /** When false, new messages are queued but not sent until `resume()` (used to reorder deliveries). */
  paused = false;
  private readonly held: Delivery[] = [];
  private closed = false;
  // Bumped by reset(): attempts still in flight from before a reset must not schedule retries.
  private generation = 0;

  constructor(private readonly options: DelivererOptions) {
    this.store = new JsonStore(options.stateDir, `${options.name}-deliveries`, () => ({ deliveries: [] }));
    this.signer = new Webhook(options.secret);
    // Anything still pending from a previous run is retried after a restart.
    for (const d of this.store.data.deliveries) if (d.state === "pending") this.schedule(d, 0);
  }

  get deliveries(): Delivery[] {
    return this.store.data.deliveries;
  }

  /** Queues a message for delivery and returns it; `secret` (an endpoint's own) signs it instead of the default. */
  send(url: string, type: string, payload: unknown, options: { secret?: string } = {}): Delivery {
    const delivery: Delivery = {
      id: `${this.options.idPrefix}${randomBytes(12).toString("hex")}`,
      type,
      url,
      body: JSON.stringify(payload),
      createdAt: new Date().toISOString(),
      state: "pending",
      attempts: [],
      ...(options.secret ? { secret: options.secret } : {}),
    };
    this.store.data.deliveries.push(delivery);
    if (this.store.data.deliveries.length > 2000) this.store.data.deliveries.splice(0, 500);
    this.store.save();
    if (this.paused) this.held.push(delivery);
    else this.schedule(delivery, 0);
    return delivery;
  }

  /** Messages queued while paused, in arrival order. */
  get heldDeliveries(): readonly Delivery[] {
    return this.held;
  }

  /** Sends held messages, in the given order of ids (others after, in arrival order). */
  resume(order?: string[]): void {
    this.paused = false;
    const queue = [...this.held];
    this.held.length = 0;
    if (order) queue.sort((a, b) => rank(order, a.id) - rank(order, b.id));
    let chain = Promise.resolve();
    for (const d of queue) chain = chain.then(() => this.attempt(d, 0));
    this.track(chain);
  }

  /** Sends an existing message again with the same id (a redelivery or a duplicate). */
  redeliver(id: string): Delivery | undefined {
    const delivery = this.deliveries.find((d) => d.id === id);
    if (!delivery) return undefined;
    delivery.state = "pending";
    this.store.save();
    this.schedule(delivery, 0);
    return delivery;
  }

  /**
   * Resolves when nothing is being sent right now (tests). With `{ retries: true }` it also waits for
   * scheduled retries to run out (use short retry delays).
   */
  async idle(options: { retries?: boolean } = {}): Promise<void> {
    for (;;) {
      if (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
      else if (options.retries && this.timers.size) await new Promise((resolve) => setTimeout(resolve, 2));
      else return;
    }
  }

  reset(): void {
    this.generation++;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.held.length = 0;
    this.paused = false;
    this.store.reset();
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.store.flush();
  }

  /** Attempt 0 is the first try (immediate); attempt n ≥ 1 is retry n, after retryDelaysMs[n - 1]. */
  private schedule(delivery: Delivery, attemptIndex: number): void {
    if (this.closed) return;
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const delay = attemptIndex === 0 ? 0 : (delays[attemptIndex - 1] ?? 0);
    if (delay === 0) {
      this.track(this.attempt(delivery, attemptIndex));
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(delivery, attemptIndex));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  private async attempt(delivery: Delivery, attemptIndex: number): Promise<void> {
    const generation = this.generation;
    const started = Date.now();
    const timestamp = new Date();
    const signer = delivery.secret ? new Webhook(delivery.secret) : this.signer;
    const signature = signer.sign(delivery.id, timestamp, delivery.body);
    const prefix = this.options.headerStyle;
    let status: number | null = null;
    let error: string | undefined;
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Svix-Webhooks/rolling",
          [`${prefix}-id`]: delivery.id,
          [`${prefix}-timestamp`]: String(Math.floor(timestamp.getTime() / 1000)),
          [`${prefix}-signature`]: signature,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 15_000),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = (e as Error).message;
    }
    // Reset while sending (the message no longer exists) or closed (a restart retries it as still pending).
    if (generation !== this.generation || this.closed) return;
    delivery.attempts.push({ at: timestamp.toISOString(), status, error, durationMs: Date.now() - started });
    const ok = status !== null && status >= 200 && status < 300;
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    if (ok) delivery.state = "delivered";
    else if (attemptIndex < delays.length) this.schedule(delivery, attemptIndex + 1);
    else delivery.state = "failed";
    this.store.save();
  }
}

function rank(order: string[], id: string): number {
  const i = order.indexOf(id);
  return i === -1 ? Number.MAX_SAFE_INTEGER : i;
}
