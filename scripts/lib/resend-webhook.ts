import type { PrismaClient } from "@/prisma/generated/client";

/**
 * Local mode registers MailKit's Resend webhook the way production does (`npm run resend:setup`), through the
 * emulator's Webhooks API, before Next.js starts; Next.js then verifies with that webhook's secret.
 */
export async function registerResendWebhook(
  prisma: Pick<PrismaClient, "webhookEndpoint" | "senderDomain">,
): Promise<void> {
  const { syncPlatformWebhook } = await import("@/lib/resend/webhook-subscription");
  const result = await syncPlatformWebhook({ prisma });
  if (result.action !== "unchanged")
    console.log(`[mailkit] Resend webhook ${result.action}: ${result.endpoint} (${result.events.join(", ")})`);
  // Inherited by the Next.js child: a webhook created here has a secret of its own.
  if (result.signingSecret) process.env.RESEND_WEBHOOK_SECRET = result.signingSecret;
}
