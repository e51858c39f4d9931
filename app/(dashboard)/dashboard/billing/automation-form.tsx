"use client";

import { useActionState, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import type { AutomationState } from "./actions";

type Field = { name: string; label: string; hint?: string; value: string; type?: "number" | "text"; width?: string };

/** One small settings form (auto top-up, the own alert): fields, a checkbox, one message per invalid field. */
export function AutomationForm({
  id,
  action,
  fields,
  toggle,
  submit,
}: {
  id: string;
  action: (previous: AutomationState, form: FormData) => Promise<AutomationState>;
  fields: Field[];
  toggle?: { name: string; label: ReactNode; checked: boolean };
  submit: string;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as AutomationState);
  const typed = state.status === "invalid" ? state.values : null;
  return (
    <form action={formAction} className="space-y-4" data-testid={`${id}-form`}>
      {toggle ? (
        <label className="flex items-center gap-2 text-sm font-medium text-gray-800">
          <input
            type="checkbox"
            name={toggle.name}
            defaultChecked={typed ? typed[toggle.name] === "on" : toggle.checked}
            data-testid={`${id}-${toggle.name}`}
          />
          {toggle.label}
        </label>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-3">
        {fields.map((f) => {
          const error = state.status === "invalid" ? state.fieldErrors[f.name] : undefined;
          const inputId = `${id}-${f.name}`;
          return (
            <div key={f.name} className={f.width ?? ""}>
              <Label htmlFor={inputId}>{f.label}</Label>
              <Input
                id={inputId}
                name={f.name}
                inputMode={f.type === "text" ? undefined : "numeric"}
                defaultValue={typed ? typed[f.name] : f.value}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `${inputId}-error` : f.hint ? `${inputId}-hint` : undefined}
                data-testid={inputId}
              />
              {error ? (
                <p id={`${inputId}-error`} className="mt-1 text-sm text-red-700" data-testid={`${inputId}-error`}>
                  {error}
                </p>
              ) : f.hint ? (
                <p id={`${inputId}-hint`} className="mt-1 text-xs text-gray-500">
                  {f.hint}
                </p>
              ) : null}
            </div>
          );
        })}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="secondary" disabled={pending} data-testid={`${id}-save`}>
          {pending ? "Saving…" : submit}
        </Button>
        {state.status === "saved" ? (
          <p className="text-sm text-green-700" role="status" data-testid={`${id}-saved`}>
            {state.message}
          </p>
        ) : state.status === "failed" ? (
          <p className="text-sm text-red-700" role="alert" data-testid={`${id}-failed`}>
            {state.message}
          </p>
        ) : null}
      </div>
    </form>
  );
}
