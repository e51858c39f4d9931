import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { ACCEPTED_STATUSES } from "@/lib/sending";

import { createFundedUser, dodoBalance, dodoDebits, mailkitCredits, withTestWorld } from "./helpers/environment";

/**
 * Two app instances over one PostgreSQL: two separate Node processes (tests/integration/helpers/send-worker.ts),
 * each with its own Prisma pool, running the real pipeline module against the same database and emulators.
 * (Chosen over two `next start` servers: same code path below the route handler, no build step, and the
 * processes are released from a barrier at the same instant.) PGlite cannot be shared between processes,
 * so this runs in the PostgreSQL project only.
 */
const onPostgres = process.env.MAILKIT_TEST_DATABASE === "postgres";

type WorkerOutcome = { pid: number; sent: number; refused: number; errors: string[] };

function startWorker(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<WorkerOutcome>;
} {
  const child = spawn(resolve("node_modules/.bin/tsx"), ["tests/integration/helpers/send-worker.ts"], {
    env: { ...process.env, ...env, MAILKIT_TEST_DATABASE: "" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  let onReady: () => void;
  const ready = new Promise<void>((r) => (onReady = r));
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes("ready")) onReady();
  });
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const done = new Promise<WorkerOutcome>((resolveDone, reject) => {
    child.on("exit", (code) => {
      const line = out.split("\n").find((l) => l.startsWith("{"));
      if (code !== 0 || !line) reject(new Error(`worker exited ${code}: ${err || out}`));
      else resolveDone(JSON.parse(line) as WorkerOutcome);
    });
  });
  return { child, ready, done };
}

describe.skipIf(!onPostgres)("two app processes over one PostgreSQL", () => {
  const world = withTestWorld(); // started only when the block runs

  it("50 sends split across two processes at a balance of 5: exactly 5 sent, 45 refused, 5 debits", async () => {
    const { user, customerId } = await createFundedUser(world, 5, "multiprocess");
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      EMULATOR_URL: world.emulators.url,
      MAILKIT_WORKER_USER_ID: user.id,
      MAILKIT_WORKER_CUSTOMER_ID: customerId,
      MAILKIT_WORKER_COUNT: "25",
    };
    const workers = [
      startWorker({ ...common, MAILKIT_WORKER_LABEL: "one" }),
      startWorker({ ...common, MAILKIT_WORKER_LABEL: "two" }),
    ];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.write("go\n");
    const outcomes = await Promise.all(workers.map((w) => w.done));

    expect(outcomes.flatMap((o) => o.errors)).toEqual([]);
    expect(outcomes[0]!.pid).not.toBe(outcomes[1]!.pid);
    expect(outcomes.reduce((n, o) => n + o.sent, 0)).toBe(5);
    expect(outcomes.reduce((n, o) => n + o.refused, 0)).toBe(45);
    expect(await db.emailSend.count({ where: { customerId, status: { in: [...ACCEPTED_STATUSES] } } })).toBe(5);
    expect(await db.emailSend.count({ where: { customerId } })).toBe(5);
    const delivered = world.emulators.resend.messages().filter((m) => m.subject.startsWith("From "));
    expect(delivered).toHaveLength(5);
    // Both processes drained the outbox at the same time; leases let each debit run once.
    expect(await dodoDebits(world, customerId)).toHaveLength(5);
    expect(await dodoBalance(world, customerId)).toBe(0);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 0, reserved: 0, available: 0 });
  }, 120_000);
});
