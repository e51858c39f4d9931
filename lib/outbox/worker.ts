import { processSingleton } from "@/lib/runtime/singleton";

import { claimDueJobs, failJob, type ClaimedJob } from "./index";

export type JobHandler = (job: ClaimedJob) => Promise<void>;

/**
 * What runs each kind of job. The outbox knows no domain: each kind is registered from above, before any loop
 * claims a job (lib/background.ts). One registry per process, whichever bundle registers or runs the jobs.
 */
const handlers = processSingleton("outbox-job-handlers", () => new Map<string, JobHandler>());

export function registerJobHandler(kind: string, handler: JobHandler): void {
  handlers.set(kind, handler);
}

export function registeredJobKinds(): string[] {
  return [...handlers.keys()].sort();
}

/** Jobs of a kind nobody registered were claimed: a wiring mistake, reported once the rest of the batch ran. */
export class UnregisteredJobKindError extends Error {
  override name = "UnregisteredJobKindError";
  constructor(readonly kinds: string[]) {
    super(`No handler registered for outbox job kind ${kinds.join(", ")} (register it in lib/background.ts)`);
  }
}

const LEASE_MS = 30_000;

/**
 * Runs the jobs that are due now (one batch). Returns how many ran. Tests call this directly.
 *
 * Without `kinds`, only the kinds this process registered are claimed: during a rolling deploy an older instance
 * leaves a new kind of job for the instances that know it. A kind asked for by name that has no handler is a
 * wiring mistake: such a job is dead at once (no retry can find a handler) and the batch then throws
 * UnregisteredJobKindError, so the caller sees it.
 */
export async function runDueJobs(limit = 20, kinds?: string[]): Promise<number> {
  const claimable = kinds ?? registeredJobKinds();
  if (claimable.length === 0) return 0;
  const jobs = await claimDueJobs(limit, LEASE_MS, claimable);
  const unregistered = new Set<string>();
  await Promise.all(
    jobs.map(async (job) => {
      const handler = handlers.get(job.kind);
      if (!handler) {
        unregistered.add(job.kind);
        return failJob(job, new UnregisteredJobKindError([job.kind]), { permanent: true });
      }
      try {
        await handler(job);
      } catch (error) {
        await failJob(job, error);
      }
    }),
  );
  if (unregistered.size) throw new UnregisteredJobKindError([...unregistered]);
  return jobs.length;
}

/** Keeps running until nothing is due (tests). */
export async function drainJobs(kinds?: string[]): Promise<void> {
  while ((await runDueJobs(50, kinds)) > 0) {
    /* next batch */
  }
}
