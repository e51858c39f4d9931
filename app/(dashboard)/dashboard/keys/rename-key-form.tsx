"use client";

import { useActionState, useEffect, useRef } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";

import type { RenameKeyState } from "./actions";

/** "Rename" on a key's row: a disclosure with the name field, closed again once the key is renamed. */
export function RenameKeyForm({
  action,
  id,
  name,
}: {
  action: (previous: RenameKeyState, form: FormData) => Promise<RenameKeyState>;
  id: string;
  name: string;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as RenameKeyState);
  const details = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    if (state.status === "renamed") {
      toast.success("Key renamed");
      details.current?.removeAttribute("open");
    }
  }, [state]);
  const error = state.status === "invalid" ? state.errors.name : undefined;
  return (
    <details ref={details} className="inline-block text-left">
      <summary className="cursor-pointer rounded-md px-2 py-1 text-sm font-medium text-gray-700 hover:bg-gray-100">
        Rename<span className="sr-only"> {name}</span>
      </summary>
      <form action={formAction} className="mt-2 flex flex-wrap items-start gap-2">
        <input type="hidden" name="id" value={id} />
        <label className="sr-only" htmlFor={`rename-${id}`}>
          New name for {name}
        </label>
        <Input
          id={`rename-${id}`}
          name="name"
          defaultValue={name}
          maxLength={50}
          required
          className="w-48"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `rename-${id}-error` : undefined}
          data-testid="rename-key-name"
        />
        <Button type="submit" size="sm" disabled={pending} data-testid="rename-key-save">
          {pending ? "Saving…" : "Save"}
        </Button>
        {error ? (
          <p id={`rename-${id}-error`} className="w-full text-sm text-red-700">
            {error}
          </p>
        ) : null}
      </form>
    </details>
  );
}
