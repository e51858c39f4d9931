/**
 * Fault injection for reliability tests and benchmarks: per route, add latency, answer an error status for
 * the next N calls or for a time window, or never answer (a timeout as the client sees it).
 * A route is matched by method and a path prefix relative to the emulator's base, e.g. "POST /emails".
 */
export type Fault = {
  id: number;
  method?: string; // undefined = any
  pathPrefix: string; // "" = every route
  latencyMs?: number;
  status?: number; // answer this status instead of handling the request
  body?: unknown;
  hang?: boolean; // accept the request and never answer (the client times out)
  afterHandling?: boolean; // with status: handle the request (state changes), then answer status — a lost response
  remaining?: number; // how many more requests it applies to; undefined = unlimited
  until?: number; // epoch ms after which it no longer applies
};

export type FaultInput = Omit<Fault, "id" | "pathPrefix"> & { pathPrefix?: string; count?: number; durationMs?: number };

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;
  /** Added to every request (a realistic provider latency for benchmarks). */
  baseLatencyMs = 0;

  add(input: FaultInput): Fault {
    const fault: Fault = {
      id: this.nextId++,
      method: input.method?.toUpperCase(),
      pathPrefix: input.pathPrefix ?? "",
      latencyMs: input.latencyMs,
      status: input.status,
      body: input.body,
      hang: input.hang,
      afterHandling: input.afterHandling,
      remaining: input.count ?? input.remaining,
      until: input.durationMs !== undefined ? Date.now() + input.durationMs : input.until,
    };
    this.faults.push(fault);
    return fault;
  }

  list(): Fault[] {
    return this.faults;
  }

  /** Removes one fault; returns whether it existed. */
  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length !== before;
  }

  clear(): void {
    this.faults = [];
    this.baseLatencyMs = 0;
  }

  /** The faults that apply to this request (consuming their counts). */
  take(method: string, path: string): { latencyMs: number; status?: number; body?: unknown; hang: boolean; afterHandling?: boolean } {
    const now = Date.now();
    this.faults = this.faults.filter((f) => (f.remaining === undefined || f.remaining > 0) && (f.until === undefined || f.until > now));
    let latencyMs = this.baseLatencyMs;
    let status: number | undefined;
    let body: unknown;
    let hang = false;
    let afterHandling: boolean | undefined;
    for (const f of this.faults) {
      if (f.method && f.method !== method.toUpperCase()) continue;
      if (!path.startsWith(f.pathPrefix)) continue;
      if (f.remaining !== undefined) f.remaining--;
      latencyMs += f.latencyMs ?? 0;
      if (f.status !== undefined && status === undefined) {
        status = f.status;
        body = f.body;
        afterHandling = f.afterHandling;
      }
      if (f.hang) hang = true;
    }
    return { latencyMs, status, body, hang, afterHandling };
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
