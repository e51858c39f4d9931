import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { describe, expect, it } from "vitest";

import { flushAllDebits } from "@/lib/credits/debits";
import { db } from "@/lib/db";
import { ACCEPTED_STATUSES } from "@/lib/mail/status";
import { sendEmails } from "@/lib/sending";
import { dispatchOne, drainDispatcher } from "@/lib/sending/dispatcher";

import { createFundedUser, dodoBalance, dodoDebits, mailkitCredits, withTestWorld } from "./helpers/environment";

/**
 * Two app instances over one PostgreSQL: two separate Node processes (tests/integration/helpers/send-worker.ts),
 * each with its own Prisma pool, running the real pipeline module against the same database and emulators.
 * (Chosen over two `next start` servers: same code path below the route handler, no build step, and the
 * processes are released from a barrier at the same instant.) PGlite cannot be shared between processes,
 * so this runs in the PostgreSQL project only.
 */
const onPostgres = ["postgres", "pgbouncer"].includes(process.env.MAILKIT_TEST_DATABASE ?? "");

type WorkerOutcome = { pid: number; sent: number; refused: number; errors: string[]; calls?: number };

function startWorker(env: Record<string, string>): {
  child: ChildProcessWithoutNullStreams;
  ready: Promise<void>;
  done: Promise<WorkerOutcome>;
} {
  // One process (node with tsx's loader), not tsx's CLI: that runs the script in a child of its own, which a
  // SIGKILL of the CLI would leave running.
  const child = spawn(process.execPath, ["--import", "tsx", "tests/integration/helpers/send-worker.ts"], {
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

  it("50 sends split across two processes at a balance of 5: exactly 5 sent, 45 refused, 5 credits debited", async () => {
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
    // Both processes cut and posted debits at the same time: every send is in exactly one debit.
    const debits = await dodoDebits(world, customerId);
    expect(debits.reduce((n, d) => n + Number(d.amount), 0)).toBe(5);
    expect(await db.emailSend.count({ where: { customerId, debitId: null } })).toBe(0);
    expect(await dodoBalance(world, customerId)).toBe(0);
    expect(await mailkitCredits(customerId)).toEqual({ balance: 0, reserved: 0, available: 0 });
  }, 120_000);

  it("the Resend team budget holds across two dispatching processes (calls per second counted at Resend)", async () => {
    const { user, customerId } = await createFundedUser(world, 400, "budget-2p");
    await queueDirectly(user.id, customerId, 400, "budget2p");
    // Resend's own limit stays off: were MailKit's budget per process, nothing would stop 10 calls a second.
    world.emulators.resend.setRateLimit({ enabled: false });
    const common = {
      DATABASE_URL: process.env.DATABASE_URL!,
      EMULATOR_URL: world.emulators.url,
      MAILKIT_WORKER_MODE: "dispatch",
      MAILKIT_WORKER_RESEND_RATE: "5",
    };
    // Batches of 20 so that 400 emails need 20 calls: four seconds at 5 per second, shared by both processes.
    const workers = [
      startWorker({ ...common, MAILKIT_WORKER_BATCH: "20" }),
      startWorker({ ...common, MAILKIT_WORKER_BATCH: "20" }),
    ];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.child.stdin.write("go\n");
    const outcomes = await Promise.all(workers.map((w) => w.done));
    world.emulators.resend.setRateLimit({ enabled: false });
    // A call refused with 429 (a stalled process can bunch two) comes due after its retry-after, when the workers
    // may have finished: this process dispatches it.
    for (let round = 0; round < 20; round++) {
      if ((await db.emailSend.count({ where: { customerId, status: { in: ["queued", "unknown"] } } })) === 0) break;
      await new Promise((r) => setTimeout(r, 250));
      await drainDispatcher();
    }

    expect(outcomes.every((o) => (o.calls ?? 0) > 0)).toBe(true); // both took part
    const calls = new Map<string, number>();
    for (const m of world.emulators.resend.messages({ q: "budget2p-" }))
      calls.set(m.idempotency_key ?? m.id, Date.parse(m.created_at));
    const times = [...calls.values()].sort((a, b) => a - b);
    expect(times).toHaveLength(20);
    // Shared: together the two processes stay at 5 per second (unshared, each would take 5 per second: twice as
    // fast). Single gaps are not checked: a busy process can send a call late, which bunches it with the next.
    const span = times[times.length - 1]! - times[0]!;
    expect(span).toBeGreaterThanOrEqual((19 / 5) * 1000 * 0.95);
    // The busiest second at Resend: 5 with every call on time; a stalled process sends its calls late and bunches
    // them with the next (up to 7 seen on a loaded machine). A budget per process would reach 10, none 20.
    const busiestSecond = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    expect(busiestSecond).toBeLessThanOrEqual(8);
    expect(world.emulators.resend.messages({ q: "budget2p-" }).flatMap((m) => m.to)).toHaveLength(400);
    expect(await mailkitCredits(customerId)).toMatchObject({ reserved: 0, balance: 0 });
  }, 120_000);

  it("a dispatcher killed with SIGKILL mid-call: another takes the call over under the same key, nothing doubled", async () => {
    const { user, customerId } = await createFundedUser(world, 10, "killed");
    await queueDirectly(user.id, customerId, 10, "killed");
    // Resend accepts the batch but the answer never comes back; the process is killed while it waits.
    world.emulators.resend.faults.add({
      method: "POST",
      pathPrefix: "/emails/batch",
      hang: true,
      afterAccept: true,
      count: 1,
    });
    const worker = startWorker({
      DATABASE_URL: process.env.DATABASE_URL!,
      EMULATOR_URL: world.emulators.url,
      MAILKIT_WORKER_MODE: "dispatch",
      MAILKIT_WORKER_TIMEOUT_MS: "10000", // production's default: the call is leased for 14 s
    });
    worker.done.catch(() => undefined);
    await worker.ready;
    worker.child.stdin.write("go\n");
    const deadline = Date.now() + 60_000; // a loaded machine starts the worker slowly
    while (world.emulators.resend.messages({ q: "killed-" }).length < 10 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(world.emulators.resend.messages({ q: "killed-" })).toHaveLength(10);
    worker.child.kill("SIGKILL");
    await new Promise((r) => worker.child.once("exit", r));

    const call = await db.deliveryBatch.findFirstOrThrow({
      where: { sendIds: { hasSome: (await db.emailSend.findMany({ where: { customerId } })).map((s) => s.id) } },
    });
    expect(call.status).toBe("pending");
    expect(await db.emailSend.count({ where: { customerId, status: "queued" } })).toBe(10);
    // This process's dispatcher looks every 250 ms, as the loop does: nothing is due while the dead dispatcher's
    // lease runs, and the call is taken over as soon as it ends — within 15 s of the death.
    world.emulators.resend.faults.clear();
    const killedAt = Date.now();
    while (!(await dispatchOne()) && Date.now() - killedAt < 30_000) await new Promise((r) => setTimeout(r, 250));
    const takenOverAfter = Date.now() - killedAt;
    expect(takenOverAfter).toBeLessThanOrEqual(15_000);
    expect(Date.now()).toBeGreaterThanOrEqual(call.leaseUntil!.getTime());
    await drainDispatcher();
    const messages = world.emulators.resend.messages({ q: "killed-" });
    expect(messages).toHaveLength(10);
    expect(new Set(messages.map((m) => m.idempotency_key))).toEqual(new Set([call.idempotencyKey]));
    expect(await db.emailSend.count({ where: { customerId, status: { in: [...ACCEPTED_STATUSES] } } })).toBe(10);
    await flushAllDebits();
    expect((await dodoDebits(world, customerId)).reduce((n, d) => n + Number(d.amount), 0)).toBe(10);
    expect(await dodoBalance(world, customerId)).toBe(0);
  }, 120_000);
});

/** Queues `count` one-recipient emails for the customer through MailKit's pipeline (in this process). */
async function queueDirectly(userId: string, customerId: string, count: number, prefix: string) {
  for (let start = 0; start < count; start += 50)
    await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, (_, i) =>
        sendEmails({ userId, customerId, source: "api" }, [
          {
            from: "Acme <hello@acme.test>",
            to: [`${prefix}-${start + i}@example.com`],
            cc: [],
            bcc: [],
            replyTo: [],
            subject: prefix,
            text: "Hi",
          },
        ]),
      ),
    );
}
