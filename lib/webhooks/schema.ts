import { z } from "zod";

import { WEBHOOK_EVENT_TYPES } from "./events";

/** Input of the endpoint API and the dashboard (Resend's webhook options: `endpoint`, `events`, `status`). */

const events = z
  .array(z.string({ error: "Each of `events` must be a string" }), {
    error: "The `events` field must be an array of event types",
  })
  .min(1, { error: "Choose at least one event type" })
  .max(WEBHOOK_EVENT_TYPES.length * 2)
  .refine((list) => list.every((e) => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(e)), {
    error: `Unsupported event type; MailKit sends ${WEBHOOK_EVENT_TYPES.join(", ")}`,
  })
  .transform((list) => [...new Set(list)]);

const endpoint = z
  .string({ error: "The `endpoint` field must be a URL string" })
  .trim()
  .min(1, { error: "The `endpoint` field is required" })
  .max(2048, { error: "The `endpoint` URL is longer than 2048 characters" });

const description = z
  .string({ error: "The `description` field must be a string" })
  .trim()
  .max(200, { error: "The `description` is longer than 200 characters" })
  .nullish();

export const createEndpointInput = z.object({ endpoint, events, description }, { error: "Expected a JSON object" });

export const updateEndpointInput = z.object(
  {
    endpoint: endpoint.optional(),
    events: events.optional(),
    description,
    status: z.enum(["enabled", "disabled"], { error: "The `status` must be `enabled` or `disabled`" }).optional(),
  },
  { error: "Expected a JSON object" },
);

/** Bulk replay: every finished event of an endpoint since a moment (ISO 8601 with a time zone). */
export const replaySinceInput = z.object(
  {
    since: z.iso
      .datetime({ offset: true, error: "The `since` field must be an ISO 8601 date-time, e.g. 2026-01-31T09:00:00Z" })
      .transform((value) => new Date(value)),
  },
  { error: "Expected a JSON object" },
);

export type CreateEndpointInput = z.infer<typeof createEndpointInput>;
export type UpdateEndpointInput = z.infer<typeof updateEndpointInput>;

/** Endpoint and delivery ids are cuids. */
export const webhookId = z.string().regex(/^[a-z0-9]{20,40}$/);
