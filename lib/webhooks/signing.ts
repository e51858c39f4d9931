import { randomBytes, randomUUID } from "node:crypto";

import { Webhook } from "standardwebhooks";

/** Standard Webhooks signing (https://www.standardwebhooks.com): one `whsec_<base64>` secret per endpoint. */

export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** An event id in the `msg_…` style of Svix / Resend; it is the `webhook-id` header receivers dedupe on. */
export function newEventId(): string {
  return `msg_${randomUUID().replace(/-/g, "")}`;
}

/** The three headers of one signed delivery of `body` (the exact bytes that are sent). */
export function signedHeaders(secret: string, eventId: string, body: string, at = new Date()): Record<string, string> {
  return {
    "webhook-id": eventId,
    "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
    "webhook-signature": new Webhook(secret).sign(eventId, at, body),
  };
}

/** "whsec_abcd…wxyz": enough to recognise a secret, not to use it. */
export function maskSecret(secret: string): string {
  return `${secret.slice(0, 10)}…${secret.slice(-4)}`;
}
