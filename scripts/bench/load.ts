import { postJson } from "./http-client";

/**
 * The load generator: POST /api/emails over HTTP as a customer's code would, `concurrency` requests in flight.
 */
export type SendAnswer = { status: number; ms: number; error?: string };

export type LoadResult = {
  requests: number;
  accepted: number;
  /** Answers other than 200, by status ("network" for no answer). */
  failures: Record<string, number>;
  firstFailure: string | undefined;
  p50: number;
  p99: number;
  seconds: number;
  acceptedPerSecond: number;
};

let sequence = 0;

/** One small text email to a unique recipient (`r<i>@example.com`) unless `to` is given. */
export async function sendOne(
  appUrl: string,
  token: string,
  to?: string,
  from = "Bench <bench@a.bench.test>", // customer A's verified domain (scripts/bench/setup.ts)
): Promise<SendAnswer> {
  sequence += 1;
  const body = JSON.stringify({
    from,
    to: [to ?? `r${sequence}@example.com`],
    subject: `Bench ${sequence}`,
    text: "Hello from the benchmark",
  });
  const started = performance.now();
  try {
    const response = await postJson(`${appUrl}/api/emails`, { authorization: `Bearer ${token}` }, body, 30_000);
    const ms = performance.now() - started;
    return response.status === 200
      ? { status: 200, ms }
      : { status: response.status, ms, error: response.text.slice(0, 300) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      status: 0,
      ms: performance.now() - started,
      error: `${(error as Error).message}${code ? ` (${code})` : ""}`,
    };
  }
}

/**
 * Sends `total` emails with `concurrency` workers. `onAnswer` sees each answer as it arrives (the burst uses it
 * to fire customer B's send half-way). With several app URLs (instances), worker i sends to URL i mod n.
 */
export async function runLoad(options: {
  appUrl: string | string[];
  token: string;
  total: number;
  concurrency: number;
  onAnswer?: (answered: number) => void;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  let firstFailure: string | undefined;
  let issued = 0;
  let answered = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, options.total) }, async (_, worker) => {
      const urls = ([] as string[]).concat(options.appUrl);
      const appUrl = urls[worker % urls.length]!;
      while (issued < options.total) {
        issued += 1;
        const answer = await sendOne(appUrl, options.token);
        latencies.push(answer.ms);
        if (answer.status !== 200) {
          const key = answer.status === 0 ? "network" : String(answer.status);
          failures[key] = (failures[key] ?? 0) + 1;
          firstFailure ??= `${key}: ${answer.error}`;
        }
        answered += 1;
        options.onAnswer?.(answered);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const accepted = options.total - Object.values(failures).reduce((a, b) => a + b, 0);
  return {
    requests: options.total,
    accepted,
    failures,
    firstFailure,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    seconds,
    acceptedPerSecond: accepted / seconds,
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export function describeFailures(failures: Record<string, number>): string {
  const entries = Object.entries(failures);
  return entries.length ? entries.map(([status, n]) => `${n}× ${status}`).join(", ") : "0";
}
