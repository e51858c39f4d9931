/**
 * The emulators for the benchmark, as their own process: like `npm run emulators` (emulators/main.ts) but
 * with in-memory state (no stateDir), so nothing is written to disk while measuring and nothing is left behind.
 * EMULATOR_PORT, APP_URL (where webhooks go), BENCH_WEBHOOKS=0 disables webhooks.
 *
 * Started with an IPC channel (scripts/bench/emulator-probe.ts asks through it): it counts every HTTP request the
 * emulators make to MailKit (webhooks of both providers, retries included), counted where they are sent so the
 * figure does not depend on MailKit's own metrics, and lists where the emails at Resend came from, and when.
 */
import { startEmulators } from "@/emulators/server";

const port = Number(process.env.EMULATOR_PORT ?? 4610);
const appUrl = process.env.APP_URL ?? "http://localhost:3600";
const webhooks = process.env.BENCH_WEBHOOKS !== "0";

export type AppRequestCounts = {
  /** Requests started, by MailKit path (e.g. /api/webhooks/resend). */
  byPath: Record<string, number>;
  /** Answers by status ("error <code>" for no answer). */
  byStatus: Record<string, number>;
  inFlight: number;
  /** Epoch ms of the last request started or finished. */
  lastActivity: number;
};
export type ProbeRequest = { id: number; kind: "counts" } | { id: number; kind: "deliveries"; last: number };
/** `deliveries`: [epoch ms at Resend, sender address] of the newest `last` emails, oldest first. */
export type ProbeAnswer = { id: number; data: AppRequestCounts | Array<[number, string]> };

const counts: AppRequestCounts = { byPath: {}, byStatus: {}, inFlight: 0, lastActivity: Date.now() };
const appOrigin = new URL(appUrl).origin;
const plainFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.origin !== appOrigin) return plainFetch(input, init);
  counts.byPath[url.pathname] = (counts.byPath[url.pathname] ?? 0) + 1;
  counts.inFlight += 1;
  counts.lastActivity = Date.now();
  let status = "error";
  try {
    const response = await plainFetch(input, init);
    status = String(response.status);
    return response;
  } catch (error) {
    // e.g. "error UND_ERR_CONNECT_TIMEOUT" (MailKit did not accept the connection) or "error TimeoutError"
    status = `error ${(error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name}`;
    throw error;
  } finally {
    counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
    counts.inFlight -= 1;
    counts.lastActivity = Date.now();
  }
};

// A failed webhook is retried on Svix's real schedule (at once, 5 s, 5 min, …), not the tests' 1000× compressed
// one: under load that schedule turns every timed-out webhook into a storm of retries that real providers never send.
const SVIX_RETRY_DELAYS_MS = [0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

const emulators = await startEmulators({
  port,
  host: "127.0.0.1",
  appUrl,
  dodo: { settings: { webhooksEnabled: webhooks }, webhookRetryDelaysMs: SVIX_RETRY_DELAYS_MS },
  resend: webhooks
    ? { webhookRetryDelaysMs: SVIX_RETRY_DELAYS_MS }
    : { webhookUrl: null, webhookRetryDelaysMs: SVIX_RETRY_DELAYS_MS },
});
console.log(`[emulators] in memory at ${emulators.url}, webhooks ${webhooks ? `to ${appUrl}` : "off"}`);

process.on("message", (message: ProbeRequest) => {
  let answer: ProbeAnswer;
  if (message.kind === "counts") answer = { id: message.id, data: counts };
  else {
    const newest = message.last > 0 ? emulators.resend.messages({ limit: message.last }) : [];
    answer = { id: message.id, data: newest.reverse().map((m) => [Date.parse(m.created_at), m.from]) };
  }
  process.send?.(answer);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void emulators.close().then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
