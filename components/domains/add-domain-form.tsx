"use client";

import { useActionState, useEffect } from "react";
import { toast } from "sonner";

import { Button } from "@/components/ui/button";
import { Input, Label } from "@/components/ui/input";
import type { AddDomainState } from "@/lib/domains/dashboard";

const REGIONS = [
  ["us-east-1", "North Virginia (us-east-1)"],
  ["eu-west-1", "Ireland (eu-west-1)"],
  ["sa-east-1", "São Paulo (sa-east-1)"],
  ["ap-northeast-1", "Tokyo (ap-northeast-1)"],
] as const;

/** Adds a domain: its DNS records appear below once Resend has created it. */
export function AddDomainForm({
  action,
}: {
  action: (previous: AddDomainState, form: FormData) => Promise<AddDomainState>;
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as AddDomainState);
  useEffect(() => {
    if (state.status === "added") toast.success(`${state.name} added: publish its DNS records, then verify`);
  }, [state]);
  return (
    <form
      action={formAction}
      className="grid gap-4 sm:grid-cols-[1fr_auto_auto] sm:items-end"
      key={state.status === "added" ? state.name : "editing"}
    >
      <div>
        <Label htmlFor="domain-name">Domain</Label>
        <Input
          id="domain-name"
          name="name"
          placeholder="mail.example.com"
          defaultValue={state.status === "invalid" ? state.name : undefined}
          autoComplete="off"
          spellCheck={false}
          data-testid="domain-name"
          aria-describedby={state.status === "invalid" ? "domain-error" : undefined}
          required
        />
      </div>
      <div>
        <Label htmlFor="domain-region">Region</Label>
        <select
          id="domain-region"
          name="region"
          className="block w-full rounded-lg border-0 bg-surface px-3 py-2 text-sm text-gray-900 ring-1 ring-inset ring-gray-300"
          defaultValue="us-east-1"
        >
          {REGIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <Button type="submit" disabled={pending} data-testid="add-domain">
        {pending ? "Adding…" : "Add domain"}
      </Button>
      {state.status === "invalid" ? (
        <p id="domain-error" className="text-sm text-red-700 sm:col-span-3" role="alert" data-testid="domain-error">
          {state.message}
        </p>
      ) : null}
    </form>
  );
}
