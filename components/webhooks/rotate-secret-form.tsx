"use client";

import { useState } from "react";

import { ConfirmForm } from "@/components/ui/confirm-form";
import { DONE, refused } from "@/lib/http/action-result";

import { SecretReveal } from "./secret-reveal";
import type { RotateSecretState } from "@/app/(dashboard)/dashboard/webhooks/actions";

/**
 * Rotates an endpoint's signing secret and shows the new one once. Behind a confirmation like the other
 * destructive actions: the old secret stops verifying deliveries at once.
 */
export function RotateSecretForm({
  action,
  endpointId,
}: {
  action: (previous: RotateSecretState, form: FormData) => Promise<RotateSecretState>;
  endpointId: string;
}) {
  const [secret, setSecret] = useState<string | null>(null);
  return (
    <>
      <ConfirmForm
        action={async (form) => {
          const state = await action({ status: "idle" }, form);
          if (state.status !== "rotated")
            return refused(state.status === "error" ? state.message : "The secret was not rotated.");
          setSecret(state.secret);
          return DONE;
        }}
        fields={{ id: endpointId }}
        trigger="Rotate secret"
        title="Rotate the signing secret?"
        description={
          <p>
            The current secret stops working at once: deliveries from now on are signed with a new one, shown here once.
            Update your receiver with it straight away.
          </p>
        }
        confirmLabel="Rotate secret"
        success="Signing secret rotated: copy the new one now"
        testId="rotate-webhook-secret"
        triggerVariant="secondary"
      />
      {secret ? (
        <div className="basis-full">
          <SecretReveal title="New signing secret" secret={secret} />
        </div>
      ) : null}
    </>
  );
}
