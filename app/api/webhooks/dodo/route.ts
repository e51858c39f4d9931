// POST /api/webhooks/dodo – Dodo Payments events (Standard Webhooks), through the webhook inbox
import { webhookInbox } from "@/lib/http/webhook-inbox";
import { dodoWebhooks } from "@/lib/inbound/dodo";

export const dynamic = "force-dynamic";

export const POST = webhookInbox(dodoWebhooks);
