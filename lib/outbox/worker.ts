import { LOW_BALANCE_EMAIL_JOB, sendLowBalanceWarning } from "@/lib/billing/low-balance";
import { CREDIT_BACK_JOB, postCreditBack } from "@/lib/suppressions/credit-back";
import { WEBHOOK_DISABLED_EMAIL_JOB } from "@/lib/webhooks/delivery";
import { sendWebhookDisabledNotice } from "@/lib/webhooks/notify";

import { claimDueJobs, failJob, type ClaimedJob } from "./index";

/** Every kind of job and what runs it. Add new kinds here. */
const handlers: Record<string, (job: ClaimedJob) => Promise<void>> = {
  [LOW_BALANCE_EMAIL_JOB]: sendLowBalanceWarning,
  [CREDIT_BACK_JOB]: postCreditBack,
  [WEBHOOK_DISABLED_EMAIL_JOB]: sendWebhookDisabledNotice,
};

export function registerJobHandler(kind: string, handler: (job: ClaimedJob) => Promise<void>): void {
  handlers[kind] = handler;
}

const LEASE_MS = 30_000;

/** Runs the jobs that are due now (one batch). Returns how many ran. Tests call this directly. */
export async function runDueJobs(limit = 20, kinds?: string[]): Promise<number> {
  const jobs = await claimDueJobs(limit, LEASE_MS, kinds);
  await Promise.all(
    jobs.map(async (job) => {
      const handler = handlers[job.kind];
      if (!handler) return failJob(job, new Error(`No handler for job kind ${job.kind}`), { permanent: true });
      try {
        await handler(job);
      } catch (error) {
        await failJob(job, error);
      }
    }),
  );
  return jobs.length;
}

/** Keeps running until nothing is due (tests). */
export async function drainJobs(kinds?: string[]): Promise<void> {
  while ((await runDueJobs(50, kinds)) > 0) {
    /* next batch */
  }
}
