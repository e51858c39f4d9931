import { closeHttpServers } from "./http";
import { heldLeases } from "./leases";
import { logger } from "./log";
import { drainLoops } from "./loops";
import { processSingleton } from "./singleton";

/**
 * Graceful shutdown on SIGTERM/SIGINT, for every role: stop accepting connections and stop starting loop passes
 * (the dispatcher claims nothing new), let passes in progress finish — a Resend call in flight completes and is
 * settled — and requests in progress be answered, give up the delivery leases still held, close the database
 * pool and exit, all within SHUTDOWN_DEADLINE_MS (orchestrators usually kill after 30 s; Kubernetes' default).
 */

export const SHUTDOWN_DEADLINE_MS = 14_000;
// A Resend call takes at most RESEND_TIMEOUT_MS (10 s by default) plus its settling transaction.
const DRAIN_MS = 11_000;

export type ShutdownSteps = {
  /** Gives up the leases of these DeliveryBatch ids (they are still pending: another dispatcher may take them). */
  releaseLeases(batchIds: string[]): Promise<void>;
  closeDatabase(): Promise<void>;
};

const state = processSingleton("shutdown", () => ({
  installed: false,
  started: false,
  flushes: [] as Array<() => Promise<void>>,
}));

/**
 * Work to finish once requests are answered and before the database closes (the API request log's buffered
 * entries, say). The layers above register it here, so shutdown knows nothing of what they buffer.
 */
export function flushOnShutdown(flush: () => Promise<void>): void {
  if (!state.flushes.includes(flush)) state.flushes.push(flush);
}

export function installShutdownHandlers(steps: ShutdownSteps): void {
  if (state.installed) return;
  state.installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    // Next's own handler (when NEXT_MANUAL_SIG_HANDLE is unset) exits at once, cutting requests and Resend calls.
    for (const listener of process.listeners(signal)) if (listener.name === "cleanup") process.off(signal, listener);
    process.on(signal, () => void shutdown(signal, steps));
  }
}

export function shuttingDown(): boolean {
  return state.started;
}

export async function shutdown(signal: string, steps: ShutdownSteps): Promise<void> {
  if (state.started) return;
  state.started = true;
  const log = logger("shutdown");
  const began = Date.now();
  log.info({ signal }, "shutting down: finishing requests and background passes in progress");
  const force = setTimeout(() => {
    log.error({ heldLeases: heldLeases().length }, "shutdown deadline reached: exiting now");
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  force.unref();

  let code = 0;
  try {
    const http = closeHttpServers(DRAIN_MS);
    const unfinishedLoops = await drainLoops(DRAIN_MS);
    const leases = heldLeases();
    if (leases.length) await steps.releaseLeases(leases);
    const { unfinished } = await http;
    for (const flush of state.flushes) await flush(); // answered requests' buffered writes included
    await steps.closeDatabase();
    log.info(
      { ms: Date.now() - began, unfinishedLoops, releasedLeases: leases.length, unfinishedRequests: unfinished },
      "stopped",
    );
  } catch (error) {
    code = 1;
    log.error({ err: error }, "shutdown failed");
  }
  process.exit(code);
}
