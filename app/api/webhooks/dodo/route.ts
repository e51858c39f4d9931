// POST /api/webhooks/dodo – Dodo Payments events (Standard Webhooks), through the webhook inbox
import { dodoWebhooks } from "@/lib/dodo/webhooks";
import { webhookInbox } from "@/lib/http/webhook-inbox";

export const dynamic = "force-dynamic";

export const POST = webhookInbox(dodoWebhooks);
