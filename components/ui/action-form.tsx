"use client";

import type { ReactNode } from "react";
import { toast } from "sonner";

import type { ActionResult } from "@/lib/http/action-result";

/**
 * A small form whose server action answers an ActionResult (a row's button: toggle, replay): when the action is
 * refused, a toast says why; on success the page the action revalidated shows the outcome.
 */
export function ActionForm({
  action,
  className,
  children,
}: {
  action: (form: FormData) => Promise<ActionResult>;
  className?: string;
  children: ReactNode;
}) {
  return (
    <form
      className={className}
      action={async (form) => {
        try {
          const result = await action(form);
          if (!result.ok) toast.error(result.message);
        } catch {
          toast.error("That did not work. Please try again.");
        }
      }}
    >
      {children}
    </form>
  );
}
