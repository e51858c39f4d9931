"use server";

import { revalidatePath } from "next/cache";

import { DONE, refused, type ActionResult } from "@/lib/http/action-result";
import { idField, stringField, userButtonAction, userFormAction } from "@/lib/http/server-action";
import { parseOrFirstError } from "@/lib/validation/field-errors";
import {
  createEndpoint,
  deleteEndpoint,
  replayDeliveriesSince,
  replayDelivery,
  retryDeliveryNow,
  rotateSecret,
  updateEndpoint,
  WebhookInputError,
  WebhookNotFoundError,
} from "@/lib/webhooks";
import { createEndpointInput } from "@/lib/webhooks/schema";

const PAGE = "/dashboard/webhooks";
const REPLAY_PERIOD_HOURS = [1, 24, 72, 168, 720];
const ENDPOINT_NOT_FOUND = "That endpoint does not exist in your account (any more).";
const DELIVERY_NOT_FOUND = "That event is not in your account's delivery log: nothing was replayed.";

export type CreateEndpointState =
  | { status: "idle" }
  | { status: "created"; url: string; secret: string }
  | { status: "invalid"; error: string; url: string; events: string[] };

/** What the user entered, shown again with the error. */
function endpointEntry(form: FormData): { url: string; events: string[] } {
  const events = form.getAll("events").filter((value) => typeof value === "string");
  return { url: stringField(form, "url"), events };
}

const createEndpointFromForm = userFormAction<CreateEndpointState>(
  { page: PAGE, unavailable: (message, form) => ({ status: "invalid", error: message, ...endpointEntry(form) }) },
  async (user, form) => {
    const { url, events } = endpointEntry(form);
    const parsed = parseOrFirstError(createEndpointInput, { endpoint: url, events });
    if (!parsed.ok) return { status: "invalid", error: parsed.message, url, events };
    try {
      const { endpoint, secret } = await createEndpoint(user.id, parsed.data);
      revalidatePath(PAGE);
      // The secret leaves the server here and on rotation only.
      return { status: "created", url: endpoint.url, secret };
    } catch (error) {
      if (error instanceof WebhookInputError) return { status: "invalid", error: error.message, url, events };
      throw error;
    }
  },
);

export async function createEndpointAction(
  previous: CreateEndpointState,
  form: FormData,
): Promise<CreateEndpointState> {
  return createEndpointFromForm(previous, form);
}

export type RotateSecretState =
  { status: "idle" } | { status: "rotated"; secret: string } | { status: "error"; message: string };

const rotateSecretFromForm = userFormAction<RotateSecretState>(
  { page: PAGE, unavailable: (message) => ({ status: "error", message }) },
  async (user, form) => {
    const id = idField(form);
    if (!id) return { status: "error", message: ENDPOINT_NOT_FOUND };
    try {
      return { status: "rotated", secret: await rotateSecret(user.id, id) };
    } catch (error) {
      if (error instanceof WebhookNotFoundError) return { status: "error", message: ENDPOINT_NOT_FOUND };
      throw error;
    }
  },
);

export async function rotateSecretAction(previous: RotateSecretState, form: FormData): Promise<RotateSecretState> {
  return rotateSecretFromForm(previous, form);
}

export async function setEndpointStatusAction(form: FormData): Promise<ActionResult> {
  const status = stringField(form, "status") === "enabled" ? "enabled" : "disabled";
  return endpointAction(form, (userId, id) => updateEndpoint(userId, id, { status }));
}

export async function deleteEndpointAction(form: FormData): Promise<ActionResult> {
  return endpointAction(form, (userId, id) => deleteEndpoint(userId, id));
}

export async function replayDeliveryAction(form: FormData): Promise<ActionResult> {
  return endpointAction(form, (userId, id) => replayDelivery(userId, id), DELIVERY_NOT_FOUND);
}

/** "Retry now": one attempt right away, awaited, so the page shows its outcome when it renders again. */
export async function retryNowAction(form: FormData): Promise<ActionResult> {
  return endpointAction(form, (userId, id) => retryDeliveryNow(userId, id), DELIVERY_NOT_FOUND);
}

/** Replays every finished event of the endpoint from the chosen period (hours back from now). */
export async function replaySinceAction(form: FormData): Promise<ActionResult> {
  const hours = Number(stringField(form, "hours"));
  if (!REPLAY_PERIOD_HOURS.includes(hours)) return refused("Choose one of the periods offered.");
  return endpointAction(form, (userId, id) =>
    replayDeliveriesSince(userId, id, new Date(Date.now() - hours * 3600_000)),
  );
}

/**
 * An endpoint button for the signed-in user, on the form's `id`: another account's endpoint or event (or an id
 * that is not clean text) is "not found", a refused change (e.g. replaying a disabled endpoint's event) says why;
 * either way nothing changed.
 */
async function endpointAction(
  form: unknown,
  action: (userId: string, id: string) => Promise<unknown>,
  notFound = ENDPOINT_NOT_FOUND,
): Promise<ActionResult> {
  return userButtonAction(PAGE, async (user, data) => {
    const id = idField(data);
    if (!id) return refused(notFound);
    try {
      await action(user.id, id);
    } catch (error) {
      if (error instanceof WebhookNotFoundError) return refused(notFound);
      if (error instanceof WebhookInputError) return refused(error.message);
      throw error;
    }
    revalidatePath(PAGE);
    return DONE;
  })(form);
}
