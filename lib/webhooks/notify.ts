import { db } from "@/lib/db";
import { sendWebhookDisabledEmail } from "@/lib/emails/send";
import { getEnv } from "@/lib/env";
import { completeJob, type ClaimedJob } from "@/lib/outbox";

/** Outbox job (WEBHOOK_DISABLED_EMAIL_JOB): the owner's email about an endpoint MailKit disabled. */
export async function sendWebhookDisabledNotice(job: ClaimedJob): Promise<void> {
  const { endpointId, reason } = job.payload as { endpointId: string; reason: string | null };
  const endpoint = await db.webhookEndpoint.findUnique({ where: { id: endpointId }, include: { user: true } });
  if (endpoint) {
    await sendWebhookDisabledEmail(
      endpoint.user.email,
      {
        url: endpoint.url,
        reason: reason ?? "It kept failing.",
        manageUrl: `${getEnv().APP_URL.replace(/\/$/, "")}/dashboard/webhooks`,
      },
      job.key,
    );
  }
  await db.$transaction((tx) => completeJob(tx, job));
}
