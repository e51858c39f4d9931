/** The emulators' control planes (emulators/dodo/control.ts, emulators/resend/control.ts) as the benchmark uses them. */
export class EmulatorControl {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    // A saturated machine can keep the emulators from even accepting a connection for seconds: reads are retried.
    for (let attempt = 1; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(`${this.url}${path}`, {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        if (method !== "GET" || attempt >= 5) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    }
  }

  /** Base latency on every Dodo and Resend API call, and Resend's per-team (per-key) rate limit. */
  async configure(latencyMs: number, resendPerSecond: number): Promise<void> {
    await this.call("PUT", "/_emulator/dodo/latency", { ms: latencyMs });
    await this.call("POST", "/_emulator/resend/faults", { baseLatencyMs: latencyMs });
    await this.call("POST", "/_emulator/resend/settings", { rateLimit: { enabled: true, perSecond: resendPerSecond } });
  }

  async describe(): Promise<{ dodoLatencyMs: number; resend: { baseLatencyMs: number; rateLimit: unknown } }> {
    const dodo = await this.call<{ latency_ms: number }>("GET", "/_emulator/dodo/faults");
    const resend = await this.call<{ data: { baseLatencyMs: number; rateLimit: unknown } }>("GET", "/_emulator/resend");
    return { dodoLatencyMs: dodo.latency_ms, resend: resend.data };
  }

  /** Dodo webhooks are held while MailKit is not up yet (funding the customers), then sent. */
  pauseDodoWebhooks = () => this.call("POST", "/_emulator/dodo/webhooks/pause", {});
  resumeDodoWebhooks = () => this.call("POST", "/_emulator/dodo/webhooks/resume", {});

  /** How many emails the Resend emulator has accepted, in total. */
  async resendMessageCount(): Promise<number> {
    return (await this.call<{ data: { messages: number } }>("GET", "/_emulator/resend")).data.messages;
  }

  /** Whether an email to exactly this address reached the Resend emulator. */
  async resendHasMessageTo(address: string): Promise<boolean> {
    const found = await this.call<{ data: unknown[] }>(
      "GET",
      `/_emulator/resend/messages?to=${encodeURIComponent(address)}&limit=1`,
    );
    return found.data.length > 0;
  }
}
