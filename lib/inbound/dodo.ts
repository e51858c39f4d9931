import type { UnwrapWebhookEvent } from "dodopayments/resources/webhooks/webhooks";

import { dodoEnvelope, dodoEventHandlers } from "@/lib/billing/dodo-events";
import { getDodo } from "@/lib/dodo/client";
import { WebhookSignatureError } from "@/lib/errors/webhooks";

import type { WebhookSource } from "./inbox";

/** Dodo Payments' webhooks (Standard Webhooks signatures), handled by billing (lib/billing/dodo-events). */
export const dodoWebhooks: WebhookSource<UnwrapWebhookEvent> = {
  name: "dodo",
  verify(rawBody, headers) {
    let event: UnwrapWebhookEvent;
    try {
      const signed = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;
      event = getDodo().webhooks.unwrap(rawBody, {
        headers: Object.fromEntries(signed.map((name) => [name, headers.get(name) ?? ""])),
      });
    } catch (error) {
      // unwrap verifies first, then parses: a SyntaxError is a correctly signed body that is not JSON.
      if (error instanceof SyntaxError) throw error;
      throw new WebhookSignatureError((error as Error).message);
    }
    return { id: headers.get("webhook-id")!, event };
  },
  envelope: dodoEnvelope,
  handlers: dodoEventHandlers,
  // A webhook waits for a busy pool rather than fail (Prisma's defaults give up after 2 s).
  transaction: { maxWait: 15_000, timeout: 15_000 },
};
