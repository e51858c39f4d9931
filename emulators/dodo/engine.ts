import { JsonStore } from "../shared/store";
import type { WebhookDeliverer } from "../shared/webhooks";
import { DEFAULT_SETTINGS, type DodoSettings } from "./settings";
import { emptyState, type DodoState } from "./state";
import { envelope, type EmittedEventType, type EventData } from "./webhook-payloads";

export type EngineConfig = {
  stateDir: string | undefined;
  publicUrl: string;
  webhookUrl: string;
  businessId: string;
  brandId: string;
  /** Settings from the options; they win over persisted ones at start and after a reset. */
  settings: Partial<DodoSettings>;
};

/**
 * Shared by every part of the Dodo emulator: the persisted state, the emulator's own clock (an offset from
 * real time, moved forward by renewals), the settings and the webhook emitter.
 */
export class DodoEngine {
  readonly store: JsonStore<DodoState>;
  settings: DodoSettings;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly config: EngineConfig,
    readonly webhooks: WebhookDeliverer,
  ) {
    this.store = new JsonStore(config.stateDir, "dodo", emptyState);
    this.store.data = { ...emptyState(), ...this.store.data }; // a file from an older version may lack a collection
    this.store.data.settings = { ...this.store.data.settings, ...config.settings };
    this.settings = { ...DEFAULT_SETTINGS, ...this.store.data.settings };
  }

  get state(): DodoState {
    return this.store.data;
  }

  /** The emulator clock, in epoch ms. Business timestamps use it; webhook signatures use real time. */
  nowMs(): number {
    return Date.now() + this.state.clockOffsetMs;
  }

  nowIso(): string {
    return new Date(this.nowMs()).toISOString();
  }

  /** Moves the emulator clock forward (never back) so that it reads at least `iso`. */
  advanceTo(iso: string): void {
    const delta = new Date(iso).getTime() - this.nowMs();
    if (delta > 0) this.state.clockOffsetMs += delta;
    this.save();
  }

  updateSettings(patch: Partial<DodoSettings>): DodoSettings {
    this.state.settings = { ...this.state.settings, ...patch };
    this.settings = { ...DEFAULT_SETTINGS, ...this.state.settings };
    this.save();
    return this.settings;
  }

  reset(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.store.reset();
    this.store.data.settings = { ...this.config.settings };
    this.settings = { ...DEFAULT_SETTINGS, ...this.config.settings };
    this.save();
  }

  /**
   * Persists soon. The whole state is one JSON file, so writes are batched over 20 ms (a burst of debits is one
   * write, and the event loop stays free for reads); close() flushes what is pending.
   */
  save(): void {
    if (!this.config.stateDir || this.flushTimer) return;
    this.flushTimer = setTimeout(() => this.flush(), 20);
  }

  flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.store.flush();
  }

  /** Queues a signed webhook to the app. */
  emit<T extends EmittedEventType>(type: T, data: EventData<T>): void {
    if (!this.settings.webhooksEnabled) return;
    this.webhooks.send(this.config.webhookUrl, type, envelope(this.config.businessId, type, this.nowIso(), data));
  }
}
