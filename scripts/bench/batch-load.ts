import { postJson } from "./http-client";
import { percentile } from "./load";

/**
 * The batch load generator: POST /api/emails/batch with `size` emails per request, `concurrency` requests in
 * flight in total, shared by several customers by weight (3,2,1: half the requests are A's, a third B's, a sixth
 * C's, interleaved), so the customers queue at different rates and a dispatcher that served them in arrival order
 * would show in their shares of delivery.
 */
export type BatchCustomer = { label: string; token: string; from: string };

export type BatchLoadResult = {
  requests: number;
  /** Emails accepted (a 200 answer's ids). */
  accepted: number;
  acceptedBy: Record<string, number>;
  /** When each accepted request was answered (epoch ms), for the backlog over time. */
  answers: Array<{ at: number; customer: string; emails: number }>;
  failures: Record<string, number>;
  firstFailure: string | undefined;
  p50: number;
  p99: number;
  seconds: number;
  /** Accepted emails per second. */
  acceptedPerSecond: number;
};

/** Which customer sends each request: smooth weighted round robin (A B A C A B … for 3,2,1). */
export function weightedOrder(weights: number[], count: number): number[] {
  const current = weights.map(() => 0);
  const sum = weights.reduce((a, b) => a + b, 0);
  const order: number[] = [];
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 0; c < weights.length; c++) {
      current[c]! += weights[c]!;
      if (current[c]! > current[best]!) best = c;
    }
    current[best]! -= sum;
    order.push(best);
  }
  return order;
}

let sequence = 0;

async function sendBatch(
  appUrl: string,
  customer: BatchCustomer,
  size: number,
): Promise<{ status: number; ms: number; emails: number; error?: string }> {
  const body = JSON.stringify(
    Array.from({ length: size }, () => {
      sequence += 1;
      return {
        from: customer.from,
        to: [`${customer.label.toLowerCase()}-b${sequence}@example.com`],
        subject: `Bench batch ${sequence}`,
        text: "Hello from the benchmark",
      };
    }),
  );
  const started = performance.now();
  try {
    const response = await postJson(
      `${appUrl}/api/emails/batch`,
      { authorization: `Bearer ${customer.token}` },
      body,
      60_000,
    );
    const ms = performance.now() - started;
    if (response.status !== 200) return { status: response.status, ms, emails: 0, error: response.text.slice(0, 300) };
    const ids = (JSON.parse(response.text) as { data?: unknown[] }).data;
    return { status: 200, ms, emails: Array.isArray(ids) ? ids.length : size };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, emails: 0, error: (error as Error).message };
  }
}

export async function runBatchLoad(options: {
  appUrl: string;
  customers: BatchCustomer[];
  weights: number[];
  requests: number;
  size: number;
  concurrency: number;
}): Promise<BatchLoadResult> {
  const order = weightedOrder(options.weights, options.requests);
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const acceptedBy: Record<string, number> = Object.fromEntries(options.customers.map((c) => [c.label, 0]));
  const answers: BatchLoadResult["answers"] = [];
  let firstFailure: string | undefined;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency, options.requests) }, async () => {
      while (issued < options.requests) {
        const customer = options.customers[order[issued++]!]!;
        const answer = await sendBatch(options.appUrl, customer, options.size);
        latencies.push(answer.ms);
        if (answer.status === 200) {
          acceptedBy[customer.label]! += answer.emails;
          answers.push({ at: Date.now(), customer: customer.label, emails: answer.emails });
        } else {
          const key = answer.status === 0 ? "network" : String(answer.status);
          failures[key] = (failures[key] ?? 0) + 1;
          firstFailure ??= `${key}: ${answer.error}`;
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const accepted = Object.values(acceptedBy).reduce((a, b) => a + b, 0);
  return {
    requests: options.requests,
    accepted,
    acceptedBy,
    answers,
    failures,
    firstFailure,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    seconds,
    acceptedPerSecond: accepted / seconds,
  };
}
