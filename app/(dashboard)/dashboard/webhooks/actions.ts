"use server";

import { revalidatePath } from "next/cache";

import type { CreateEndpointState } from "@/components/webhooks/create-endpoint-form";
import type { RotateSecretState } from "@/components/webhooks/rotate-secret-form";
import { requireUser } from "@/lib/auth/session";
import {
  createEndpoint,
  deleteEndpoint,
  replayDelivery,
  rotateSecret,
  updateEndpoint,
  WebhookInputError,
  WebhookNotFoundError,
} from "@/lib/webhooks";
import { createEndpointInput } from "@/lib/webhooks/schema";

const PAGE = "/dashboard/webhooks";

export async function createEndpointAction(
  _previous: CreateEndpointState,
  form: FormData,
): Promise<CreateEndpointState> {
  const user = await requireUser(PAGE);
  const url = String(form.get("url") ?? "");
  const events = form.getAll("events").map(String);
  const parsed = createEndpointInput.safeParse({ endpoint: url, events });
  if (!parsed.success) return { status: "invalid", error: parsed.error.issues[0]!.message, url, events };
  try {
    const { endpoint, secret } = await createEndpoint(user.id, parsed.data);
    revalidatePath(PAGE);
    // The secret leaves the server here and on rotation only.
    return { status: "created", url: endpoint.url, secret };
  } catch (error) {
    if (error instanceof WebhookInputError) return { status: "invalid", error: error.message, url, events };
    throw error;
  }
}

export async function rotateSecretAction(_previous: RotateSecretState, form: FormData): Promise<RotateSecretState> {
  const user = await requireUser(PAGE);
  try {
    return { status: "rotated", secret: await rotateSecret(user.id, String(form.get("id") ?? "")) };
  } catch (error) {
    if (error instanceof WebhookNotFoundError) return { status: "error" };
    throw error;
  }
}

export async function setEndpointStatusAction(form: FormData): Promise<void> {
  const user = await requireUser(PAGE);
  const status = form.get("status") === "enabled" ? "enabled" : "disabled";
  await ignoreNotFound(() => updateEndpoint(user.id, String(form.get("id") ?? ""), { status }));
  revalidatePath(PAGE);
}

export async function deleteEndpointAction(form: FormData): Promise<void> {
  const user = await requireUser(PAGE);
  await ignoreNotFound(() => deleteEndpoint(user.id, String(form.get("id") ?? "")));
  revalidatePath(PAGE);
}

export async function replayDeliveryAction(form: FormData): Promise<void> {
  const user = await requireUser(PAGE);
  await replayDelivery(user.id, String(form.get("id") ?? ""));
  revalidatePath(PAGE);
}

async function ignoreNotFound(action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (!(error instanceof WebhookNotFoundError)) throw error;
  }
}
