"use client";

import { useRef, useState, type ReactNode } from "react";
import { toast } from "sonner";

import type { ActionResult } from "@/lib/http/action-result";

import { Button } from "./button";

/**
 * A destructive action behind a confirmation dialog (the native <dialog>: focus moves into it, Escape
 * closes it). The form's action runs only after "confirm"; a toast reports the outcome (the action's own message
 * when it answers `{ ok: false }`).
 */
export function ConfirmForm({
  action,
  fields,
  trigger,
  title,
  description,
  confirmLabel,
  success,
  testId,
  triggerVariant = "danger",
}: {
  action: (form: FormData) => Promise<ActionResult | void>;
  fields?: Record<string, string>;
  trigger: ReactNode;
  title: string;
  description: ReactNode;
  confirmLabel: string;
  success: string;
  testId: string;
  triggerVariant?: "danger" | "secondary";
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [pending, setPending] = useState(false);
  return (
    <form
      action={async (form) => {
        setPending(true);
        try {
          const result = await action(form);
          if (result && !result.ok) toast.error(result.message);
          else toast.success(success);
        } catch {
          toast.error("That did not work. Please try again.");
        } finally {
          setPending(false);
          dialog.current?.close();
        }
      }}
    >
      {Object.entries(fields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button
        type="button"
        variant={triggerVariant}
        size="sm"
        onClick={() => dialog.current?.showModal()}
        data-testid={testId}
      >
        {trigger}
      </Button>
      <dialog
        ref={dialog}
        aria-labelledby={`${testId}-title`}
        className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-2xl border border-gray-200 bg-surface p-6 text-left text-gray-900 shadow-xl backdrop:bg-black/60"
        data-testid={`${testId}-dialog`}
      >
        <h2 id={`${testId}-title`} className="text-lg font-semibold">
          {title}
        </h2>
        <div className="mt-2 text-sm text-gray-600">{description}</div>
        <div className="mt-6 flex flex-wrap justify-end gap-3">
          <Button type="button" variant="secondary" onClick={() => dialog.current?.close()} autoFocus>
            Cancel
          </Button>
          <Button type="submit" variant="danger" disabled={pending} data-testid={`${testId}-confirm`}>
            {pending ? "Working…" : confirmLabel}
          </Button>
        </div>
      </dialog>
    </form>
  );
}
