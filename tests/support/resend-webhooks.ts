import { randomUUID } from "node:crypto";
import { Webhook } from "standardwebhooks";

import { LOCAL_DEFAULTS } from "@/lib/env";

/**
 * A request to MailKit's Resend webhook route, signed like Resend's (Svix headers over the raw body) with the local
 * secret unless told otherwise. `rawBody` replaces the JSON of `payload` (e.g. a signed body that is not JSON).
 */
export function signedResendRequest(
  payload: unknown,
  options: { id?: string; secret?: string; rawBody?: string } = {},
): Request {
  const id = options.id ?? `msg_${randomUUID()}`;
  const body = options.rawBody ?? JSON.stringify(payload);
  const timestamp = new Date();
  const signature = new Webhook(options.secret ?? LOCAL_DEFAULTS.resendWebhookSecret).sign(id, timestamp, body);
  return new Request("http://localhost/api/webhooks/resend", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
      "svix-signature": signature,
    },
    body,
  });
}
