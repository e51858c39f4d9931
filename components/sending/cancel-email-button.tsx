"use client";

import { useActionState, useEffect, useRef } from "react";

import { Button } from "@/components/ui/button";
import type { CancelEmailState } from "@/lib/sending/cancel-state";

/**
 * Cancels a scheduled email from its page. The answer (credits returned, or why it could not be cancelled) is
 * announced and receives focus, so a keyboard user hears what happened.
 */
export function CancelEmailButton({
  id,
  action,
  canceled = false,
}: {
  id: string;
  action: (previous: CancelEmailState, form: FormData) => Promise<CancelEmailState>;
  /** Already cancelled: no button (the answer of a cancel just made stays). */
  canceled?: boolean;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as CancelEmailState);
  const result = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (state.status !== "idle") result.current?.focus();
  }, [state]);

  return (
    <form action={formAction} className="flex flex-wrap items-center gap-3">
      <input type="hidden" name="id" value={id} />
      {state.status === "canceled" || canceled ? null : (
        <Button type="submit" variant="danger" size="sm" disabled={pending} data-testid="cancel-email">
          {pending ? "Cancelling…" : "Cancel scheduled email"}
        </Button>
      )}
      {state.status !== "idle" ? (
        <p
          ref={result}
          tabIndex={-1}
          role={state.status === "error" ? "alert" : "status"}
          data-testid="cancel-result"
          className={`text-sm focus:outline-none ${state.status === "error" ? "text-red-700" : "text-green-700"}`}
        >
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
