import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { registerJobHandlers } from "@/lib/background";
import { db } from "@/lib/db";
import { completeJob, enqueue } from "@/lib/outbox";
import { registeredJobKinds, registerJobHandler, runDueJobs, UnregisteredJobKindError } from "@/lib/outbox/worker";

/**
 * The outbox runs only the job kinds registered from above it: the loop leaves other kinds for instances that know
 * them, and a kind asked for by name without a handler is a loud failure.
 */

const root = path.resolve(__dirname, "../..");

/** Every `export const …_JOB = "kind"` in lib/: the kinds the app enqueues. */
function declaredJobKinds(): string[] {
  return readdirSync(path.join(root, "lib"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !entry.parentPath.includes("generated"))
    .flatMap((entry) => [
      ...readFileSync(path.join(entry.parentPath, entry.name), "utf8").matchAll(/^export const \w+_JOB = "([^"]+)"/gm),
    ])
    .map((match) => match[1]!);
}

beforeAll(() => registerJobHandlers());

describe("outbox job handlers", () => {
  it("every job kind lib/ declares has a handler once the app registers its jobs", () => {
    const declared = declaredJobKinds();
    expect(declared.length).toBeGreaterThanOrEqual(7);
    expect(registeredJobKinds()).toEqual(expect.arrayContaining(declared));
  });

  it("a job of a kind nobody registered fails loudly: the batch throws and the job is dead with the reason", async () => {
    const ran: string[] = [];
    registerJobHandler("test.registered", async (job) => {
      ran.push(job.key);
      await db.$transaction((tx) => completeJob(tx, job));
    });
    await db.$transaction(async (tx) => {
      await enqueue(tx, { kind: "test.unregistered", key: "orphan", payload: {} });
      await enqueue(tx, { kind: "test.registered", key: "sibling", payload: {} });
    });

    const batch = runDueJobs(10, ["test.unregistered", "test.registered"]);
    await expect(batch).rejects.toThrow(UnregisteredJobKindError);
    await expect(batch).rejects.toThrow(/test\.unregistered/);

    const orphan = await db.outboxJob.findFirstOrThrow({ where: { key: "orphan" } });
    expect(orphan).toMatchObject({ status: "dead", lastError: expect.stringContaining("test.unregistered") });
    // The rest of the batch ran.
    expect(ran).toEqual(["sibling"]);
    expect(await db.outboxJob.findFirstOrThrow({ where: { key: "sibling" } })).toMatchObject({ status: "done" });
  });

  it("the loop claims only the kinds this process runs: another kind's job waits, untouched, for an instance that knows it", async () => {
    await db.$transaction((tx) => enqueue(tx, { kind: "test.newer-release", key: "from-the-future", payload: {} }));
    await runDueJobs();
    expect(await db.outboxJob.findFirstOrThrow({ where: { key: "from-the-future" } })).toMatchObject({
      status: "pending",
      attempts: 0,
      lockedUntil: null,
    });
    const ran: string[] = [];
    registerJobHandler("test.newer-release", async (job) => {
      ran.push(job.key);
      await db.$transaction((tx) => completeJob(tx, job));
    });
    await runDueJobs();
    expect(ran).toEqual(["from-the-future"]);
  });
});
