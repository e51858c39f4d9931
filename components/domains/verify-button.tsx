"use client";

import { useActionState } from "react";

import { Button } from "@/components/ui/button";
import type { DomainActionState } from "@/lib/domains/dashboard";

/** "Verify": asks Resend to check the DNS records now; the status then follows on its own. */
export function VerifyDomainButton({
  action,
  id,
  name,
  verified,
}: {
  action: (previous: DomainActionState, form: FormData) => Promise<DomainActionState>;
  id: string;
  name: string;
  verified: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as DomainActionState);
  return (
    <form action={formAction} className="flex flex-col items-end gap-1">
      <input type="hidden" name="id" value={id} />
      <Button
        type="submit"
        size="sm"
        variant={verified ? "secondary" : "primary"}
        disabled={pending}
        data-testid="verify-domain"
      >
        {pending ? "Checking…" : verified ? "Check again" : "Verify"}
        <span className="sr-only"> {name}</span>
      </Button>
      {state.status === "failed" ? (
        <p className="text-xs text-red-700" role="alert">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
