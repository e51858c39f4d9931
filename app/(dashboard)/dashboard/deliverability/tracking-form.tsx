"use client";

import { useActionState, useEffect } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";

import type { TrackingState } from "./actions";

/** One domain's open and click tracking switches. */
export function TrackingForm({
  action,
  domain,
}: {
  action: (previous: TrackingState, form: FormData) => Promise<TrackingState>;
  domain: { id: string; name: string; openTracking: boolean; clickTracking: boolean };
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as TrackingState);
  useEffect(() => {
    if (state.status === "saved") toast.success(`Tracking saved for ${domain.name}`);
  }, [state, domain.name]);
  return (
    <form action={formAction} className="flex flex-wrap items-center gap-x-5 gap-y-2" data-testid="tracking-form">
      <input type="hidden" name="id" value={domain.id} />
      <span className="min-w-40 font-mono text-sm font-medium">{domain.name}</span>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="openTracking" defaultChecked={domain.openTracking} data-testid="open-tracking" />
        Track opens<span className="sr-only"> for {domain.name}</span>
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="clickTracking"
          defaultChecked={domain.clickTracking}
          data-testid="click-tracking"
        />
        Track clicks<span className="sr-only"> for {domain.name}</span>
      </label>
      <Button type="submit" size="sm" variant="secondary" disabled={pending} data-testid="save-tracking">
        {pending ? "Saving…" : "Save"}
        <span className="sr-only"> tracking for {domain.name}</span>
      </Button>
      {state.status === "error" ? (
        <p className="w-full text-sm text-red-700" role="alert">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
