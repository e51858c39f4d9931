"use client";

import { useActionState } from "react";

import { Button } from "@/components/ui/button";

import { SecretReveal } from "./secret-reveal";

export type RotateSecretState = { status: "idle" } | { status: "rotated"; secret: string } | { status: "error" };

/** Rotates an endpoint's signing secret and shows the new one once. */
export function RotateSecretForm({
  action,
  endpointId,
}: {
  action: (previous: RotateSecretState, form: FormData) => Promise<RotateSecretState>;
  endpointId: string;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as RotateSecretState);
  return (
    <>
      <form action={formAction}>
        <input type="hidden" name="id" value={endpointId} />
        <Button type="submit" variant="secondary" size="sm" disabled={pending} data-testid="rotate-webhook-secret">
          {pending ? "Rotating…" : "Rotate secret"}
        </Button>
      </form>
      {state.status === "rotated" ? (
        <div className="basis-full">
          <SecretReveal title="New signing secret" secret={state.secret} />
        </div>
      ) : null}
      {state.status === "error" ? <p className="text-sm text-red-700">That did not work. Please try again.</p> : null}
    </>
  );
}
