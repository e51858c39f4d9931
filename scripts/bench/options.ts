/** Command-line options of `npm run bench` (see scripts/bench.ts). */
export type BenchOptions = {
  build: boolean;
  concurrency: number[];
  /** Requests per concurrency level; undefined = 300 at concurrency 1, 2,000 above. */
  requests: number | undefined;
  burst: number;
  latencyMs: number;
  resendLimit: number;
  appPort: number;
  emulatorPort: number;
  webhooks: boolean;
  keepLogs: boolean;
  /** Batch phase: requests of 100 emails (0 skips it), in flight at once, and the customers' weights. */
  batchRequests: number;
  batchConcurrency: number;
  batchWeights: number[];
  /** PostgreSQL only: the cell with a second `next start` on `secondPort`, single sends at c=16. */
  twoInstances: boolean;
  secondPort: number | undefined;
  /** Sends at c=16 before anything is measured, on each instance (a warm server: see scripts/bench.ts). */
  warmUp: number;
};

const HELP = `npm run bench -- [options]
  --no-build             reuse .next if .next/BUILD_ID exists
  --concurrency 1,16,64  concurrency levels of the accept phase
  --requests N           requests per level (default 300 at concurrency 1, 2000 above)
  --burst 5000           sends in the burst phase (concurrency 64)
  --latency 20           ms added to every Dodo and Resend emulator call
  --resend-limit 5       Resend requests/s (emulator's per-team limit and MailKit's RESEND_RATE_LIMIT_PER_SECOND)
  --port 3600            MailKit's port
  --emulator-port 4610   the emulators' port
  --batch-requests 100   batch phase: requests of 100 emails through /api/emails/batch (0 skips the phase)
  --batch-concurrency 4  batch requests in flight at once, all customers together
  --batch-weights 3,2,1  the batch customers X, Y, Z send in these proportions (interleaved)
  --no-two-instances     skip the cell with two next start instances (PostgreSQL only; c=16, --requests)
  --second-port N        the second instance's port (default --port + 1)
  --warm-up 2000         sends at c=16 on each instance before anything is measured (its cold cost is printed)
  --no-webhooks          the emulators send no webhooks to MailKit
  --keep-logs            keep the server's and emulators' logs (kept anyway when something fails)
BENCH_DATABASE_URL=postgresql://… runs on a fresh PostgreSQL database; else on PGlite in a temp dir.`;

export function parseOptions(argv: string[]): BenchOptions {
  const args = [...argv];
  const options: BenchOptions = {
    build: true,
    concurrency: [1, 16, 64],
    requests: undefined,
    burst: 5000,
    latencyMs: 20,
    resendLimit: 5,
    appPort: 3600,
    emulatorPort: 4610,
    webhooks: true,
    keepLogs: false,
    batchRequests: 100,
    batchConcurrency: 4,
    batchWeights: [3, 2, 1],
    twoInstances: true,
    secondPort: undefined,
    warmUp: 2000,
  };
  const number = (name: string, value: string | undefined, min: number): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < min) fail(`--${name} needs an integer ≥ ${min}`);
    return n;
  };
  while (args.length) {
    const arg = args.shift()!;
    const [name, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split("=", 2) : [arg, undefined];
    const value = () => inline ?? args.shift();
    switch (name) {
      case "--no-build":
        options.build = false;
        break;
      case "--no-webhooks":
        options.webhooks = false;
        break;
      case "--keep-logs":
        options.keepLogs = true;
        break;
      case "--concurrency": {
        const v = value();
        options.concurrency = (v ?? "").split(",").map((c) => number("concurrency", c.trim(), 1));
        break;
      }
      case "--batch-requests":
        options.batchRequests = number("batch-requests", value(), 0);
        break;
      case "--batch-concurrency":
        options.batchConcurrency = number("batch-concurrency", value(), 1);
        break;
      case "--batch-weights": {
        const v = value();
        options.batchWeights = (v ?? "").split(",").map((w) => number("batch-weights", w.trim(), 1));
        if (options.batchWeights.length !== 3) fail("--batch-weights needs three weights (customers X, Y, Z)");
        break;
      }
      case "--no-two-instances":
        options.twoInstances = false;
        break;
      case "--second-port":
        options.secondPort = number("second-port", value(), 1);
        break;
      case "--requests":
        options.requests = number("requests", value(), 1);
        break;
      case "--warm-up":
        options.warmUp = number("warm-up", value(), 1);
        break;
      case "--burst":
        options.burst = number("burst", value(), 2);
        break;
      case "--latency":
        options.latencyMs = number("latency", value(), 0);
        break;
      case "--resend-limit":
        options.resendLimit = number("resend-limit", value(), 1);
        break;
      case "--port":
        options.appPort = number("port", value(), 1);
        break;
      case "--emulator-port":
        options.emulatorPort = number("emulator-port", value(), 1);
        break;
      case "--help":
      case "-h":
        console.log(HELP);
        process.exit(0);
        break;
      default:
        fail(`unknown option ${arg}`);
    }
  }
  return options;
}

export function requestsFor(options: BenchOptions, concurrency: number): number {
  return options.requests ?? (concurrency === 1 ? 300 : 2000);
}

function fail(message: string): never {
  console.error(`bench: ${message}\n\n${HELP}`);
  process.exit(2);
}
