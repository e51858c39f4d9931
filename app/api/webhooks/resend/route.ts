// POST /api/webhooks/resend – Resend's delivery and domain events (Svix-signed), through the webhook inbox
import { webhookInbox } from "@/lib/http/webhook-inbox";
import { resendWebhooks } from "@/lib/inbound/resend";

export const dynamic = "force-dynamic";

export const POST = webhookInbox(resendWebhooks);
