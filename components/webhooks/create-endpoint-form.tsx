"use client";

import { useActionState, useEffect } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";

import { SecretReveal } from "./secret-reveal";
import type { CreateEndpointState } from "@/app/(dashboard)/dashboard/webhooks/actions";

/** Registers an endpoint (URL + event checkboxes) and shows its signing secret once. */
export function CreateEndpointForm({
  action,
  eventTypes,
  placeholder,
}: {
  action: (previous: CreateEndpointState, form: FormData) => Promise<CreateEndpointState>;
  eventTypes: { type: string; description: string }[];
  placeholder: string;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as CreateEndpointState);
  useEffect(() => {
    if (state.status === "created") toast.success("Webhook endpoint added");
  }, [state]);
  const chosen = state.status === "invalid" ? state.events : eventTypes.map((e) => e.type);
  return (
    <div className="space-y-4">
      {state.status === "created" ? <SecretReveal title={`Endpoint ${state.url} added`} secret={state.secret} /> : null}
      <form action={formAction} className="space-y-4" key={state.status === "created" ? state.secret : "form"}>
        <div>
          <Label htmlFor="webhook-url">Endpoint URL</Label>
          <Input
            id="webhook-url"
            name="url"
            type="url"
            inputMode="url"
            placeholder={placeholder}
            defaultValue={state.status === "invalid" ? state.url : ""}
            maxLength={2048}
            required
            data-testid="webhook-url"
            aria-describedby={state.status === "invalid" ? "webhook-url-error" : undefined}
          />
          {state.status === "invalid" ? (
            <p id="webhook-url-error" className="mt-1 text-sm text-red-700" data-testid="webhook-error">
              {state.error}
            </p>
          ) : null}
        </div>
        <fieldset>
          <legend className="mb-1.5 block text-sm font-medium text-gray-800">Events</legend>
          <div className="grid gap-2 sm:grid-cols-2">
            {eventTypes.map(({ type, description }) => (
              <label key={type} className="flex items-start gap-2 text-sm">
                <input
                  type="checkbox"
                  name="events"
                  value={type}
                  defaultChecked={chosen.includes(type)}
                  className="mt-1"
                  data-testid={`webhook-event-${type}`}
                />
                <span>
                  <code className="font-mono text-xs">{type}</code>
                  <span className="block text-gray-500">{description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <Button type="submit" disabled={pending} data-testid="create-webhook">
          {pending ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
    </div>
  );
}
