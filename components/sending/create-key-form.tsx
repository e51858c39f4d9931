"use client";

import { useActionState, useEffect } from "react";
import { toast } from "sonner";

import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { Input, Label } from "@/components/ui/input";
import { curlSnippet, nodeSnippet, type SnippetAddresses } from "@/lib/dashboard/snippets";
import type { CreateKeyState } from "@/app/(dashboard)/dashboard/keys/actions";

/** Creates a key and shows its token once, with a copy button and code to send with it right away. */
export function CreateKeyForm({
  action,
  apiBase,
  addresses,
  domains = [],
}: {
  action: (previous: CreateKeyState, form: FormData) => Promise<CreateKeyState>;
  apiBase: string;
  /** `from` and `to` that work for this customer as pasted (their verified domain, or the onboarding rule). */
  addresses: SnippetAddresses;
  /** The customer's verified domains: a sending key can be restricted to one of them. */
  domains?: string[];
}) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as CreateKeyState);
  const errors = state.status === "invalid" ? state.errors : {};
  useEffect(() => {
    if (state.status === "created") toast.success(`Key “${state.name}” created`);
  }, [state]);
  return (
    <div className="space-y-4">
      {state.status === "created" ? (
        <div className="space-y-4" data-testid="new-key-panel">
          <Alert tone="success" title={`Key “${state.name}” created`} role="status">
            <p>Copy it now: it is shown only once and stored only as a hash.</p>
            <div className="mt-2 flex min-w-0 flex-wrap items-center gap-2">
              <code
                className="min-w-0 break-all rounded-md bg-surface px-2 py-1 font-mono text-sm text-gray-900 ring-1 ring-green-300"
                data-testid="new-api-key"
              >
                {state.token}
              </code>
              <CopyButton value={state.token} label="Copy key" />
            </div>
          </Alert>
          <div className="grid min-w-0 gap-3">
            <p className="text-sm font-medium text-gray-800">Send your first email with it</p>
            <CodeBlock label="curl" code={curlSnippet(apiBase, state.token, addresses)} />
            <CodeBlock
              label="Node.js (resend SDK)"
              code={nodeSnippet(apiBase, JSON.stringify(state.token), addresses)}
            />
          </div>
        </div>
      ) : null}
      {state.status === "failed" ? <Alert tone="error" title={state.message} /> : null}
      <form action={formAction} className="grid gap-4 sm:grid-cols-[1fr_auto_auto_auto] sm:items-end">
        <div>
          <Label htmlFor="key-name">Name</Label>
          <Input
            id="key-name"
            name="name"
            placeholder="Production server"
            maxLength={50}
            data-testid="api-key-name"
            required
          />
          {errors.name ? <p className="mt-1 text-sm text-red-700">{errors.name}</p> : null}
        </div>
        <fieldset>
          <legend className="mb-1.5 block text-sm font-medium text-gray-800">Permission</legend>
          <div className="flex gap-4 py-2 text-sm">
            <label className="flex items-center gap-2">
              <input type="radio" name="permission" value="full_access" defaultChecked data-testid="api-key-full" />{" "}
              Full access
            </label>
            <label className="flex items-center gap-2">
              <input type="radio" name="permission" value="sending_access" data-testid="api-key-sending" /> Sending only
            </label>
          </div>
          {errors.permission ? <p className="mt-1 text-sm text-red-700">{errors.permission}</p> : null}
        </fieldset>
        <div>
          <Label htmlFor="key-domain">Sending domain</Label>
          <select
            id="key-domain"
            name="domain"
            defaultValue=""
            className="block w-full rounded-md border border-gray-300 bg-surface px-3 py-2 text-sm text-gray-900"
            aria-describedby="key-domain-hint"
            data-testid="api-key-domain"
          >
            <option value="">Any verified domain</option>
            {domains.map((domain) => (
              <option key={domain} value={domain}>
                Only {domain}
              </option>
            ))}
          </select>
          <p id="key-domain-hint" className="sr-only">
            Sending keys only: restricts the key to sending from this domain.
          </p>
          {errors.domain ? <p className="mt-1 text-sm text-red-700">{errors.domain}</p> : null}
        </div>
        <Button type="submit" disabled={pending} data-testid="create-api-key">
          {pending ? "Creating…" : "Create key"}
        </Button>
      </form>
    </div>
  );
}
