import { createHash } from "node:crypto";

import { JsonStore } from "../shared/store";
import type { StoredDomain } from "./domains";
import type { IdempotencyRecord, ResendState, StoredMessage } from "./types";
import type { StoredWebhook } from "./webhooks";

export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

export type IdempotencyCheck =
  | { kind: "new" } // reserved: the caller must complete() or release() it
  | { kind: "replay"; record: IdempotencyRecord }
  | { kind: "mismatch" }
  | { kind: "in_flight" };

/**
 * Captured messages and idempotency records, persisted as `<stateDir>/resend.json`.
 * Requests in flight are tracked in memory only: after a restart they are simply gone, as the request is.
 */
export class ResendStore {
  private readonly json: JsonStore<ResendState>;
  private readonly byId = new Map<string, StoredMessage>();
  private readonly inFlight = new Map<string, string>(); // `${scope} ${key}` → fingerprint

  constructor(
    stateDir: string | undefined,
    private readonly idempotencyTtlMs = IDEMPOTENCY_TTL_MS,
  ) {
    this.json = new JsonStore<ResendState>(stateDir, "resend", () => ({
      messages: [],
      idempotency: {},
      domains: [],
      enforceVerifiedDomains: false,
    }));
    this.json.data.idempotency ??= {};
    this.json.data.domains ??= [];
    this.json.data.enforceVerifiedDomains ??= false;
    this.reindex();
  }

  /** All messages, oldest first. */
  get all(): readonly StoredMessage[] {
    return this.json.data.messages;
  }

  /** Sender domains (emulators/resend/domains.ts), oldest first. */
  get domains(): StoredDomain[] {
    return this.json.data.domains;
  }

  /** Registered webhooks (webhooks.ts), oldest first; undefined until seeded. */
  get webhooks(): StoredWebhook[] | undefined {
    return this.json.data.webhooks;
  }

  set webhooks(list: StoredWebhook[]) {
    this.json.data.webhooks = list;
    this.save();
  }

  get enforceVerifiedDomains(): boolean {
    return this.json.data.enforceVerifiedDomains;
  }

  set enforceVerifiedDomains(on: boolean) {
    this.json.data.enforceVerifiedDomains = on;
    this.save();
  }

  get(id: string): StoredMessage | undefined {
    return this.byId.get(id);
  }

  add(messages: StoredMessage[]): void {
    for (const m of messages) {
      this.json.data.messages.push(m);
      this.byId.set(m.id, m);
    }
    this.save();
  }

  save(): void {
    this.json.save();
  }

  /** Newest first, with Resend's cursor pagination: `after` = older than that id, `before` = newer than it. */
  page(options: {
    limit: number;
    after?: string;
    before?: string;
  }): { items: StoredMessage[]; hasMore: boolean } | undefined {
    const newestFirst = [...this.json.data.messages].reverse();
    if (options.after !== undefined) {
      const i = newestFirst.findIndex((m) => m.id === options.after);
      if (i === -1) return undefined;
      const rest = newestFirst.slice(i + 1);
      return { items: rest.slice(0, options.limit), hasMore: rest.length > options.limit };
    }
    if (options.before !== undefined) {
      const i = newestFirst.findIndex((m) => m.id === options.before);
      if (i === -1) return undefined;
      const newer = newestFirst.slice(0, i);
      return { items: newer.slice(Math.max(0, newer.length - options.limit)), hasMore: newer.length > options.limit };
    }
    return { items: newestFirst.slice(0, options.limit), hasMore: newestFirst.length > options.limit };
  }

  /** Looks a key up and, when it is unused, reserves it for this request. */
  beginIdempotent(scope: string, key: string, fingerprint: string): IdempotencyCheck {
    const id = `${scope} ${key}`;
    this.pruneIdempotency();
    const running = this.inFlight.get(id);
    if (running !== undefined) return { kind: "in_flight" };
    const record = this.json.data.idempotency[id];
    if (record) return record.fingerprint === fingerprint ? { kind: "replay", record } : { kind: "mismatch" };
    this.inFlight.set(id, fingerprint);
    return { kind: "new" };
  }

  /** Stores the response of a reserved key (only successful responses are kept, so a fixed request can retry). */
  completeIdempotent(scope: string, key: string, status: number, body: unknown): void {
    const id = `${scope} ${key}`;
    const fingerprint = this.inFlight.get(id);
    this.inFlight.delete(id);
    if (fingerprint === undefined || status < 200 || status >= 300) return;
    this.json.data.idempotency[id] = { scope, key, fingerprint, status, body, created_at: Date.now() };
    this.save();
  }

  releaseIdempotent(scope: string, key: string): void {
    this.inFlight.delete(`${scope} ${key}`);
  }

  idempotencyRecords(): IdempotencyRecord[] {
    return Object.values(this.json.data.idempotency);
  }

  reset(): void {
    this.inFlight.clear();
    this.json.reset();
    this.reindex();
  }

  flush(): void {
    this.json.flush();
  }

  private reindex(): void {
    this.byId.clear();
    for (const m of this.json.data.messages) this.byId.set(m.id, m);
  }

  private pruneIdempotency(): void {
    const cutoff = Date.now() - this.idempotencyTtlMs;
    for (const [id, record] of Object.entries(this.json.data.idempotency)) {
      if (record.created_at < cutoff) delete this.json.data.idempotency[id];
    }
  }
}

/** sha256 of the body with object keys sorted, so the same payload matches whatever its key order. */
export function fingerprint(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
