"use client";

import { Alert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";

/** A signing secret shown this once, with a copy button. */
export function SecretReveal({ title, secret }: { title: string; secret: string }) {
  return (
    <Alert tone="success" title={title} role="status">
      <p>Copy the signing secret now: it is shown only once. Verify each delivery with it (Standard Webhooks).</p>
      <div className="mt-2 flex min-w-0 flex-wrap items-center gap-2">
        <code
          className="min-w-0 break-all rounded-md bg-surface px-2 py-1 font-mono text-sm text-gray-900 ring-1 ring-green-300"
          data-testid="webhook-secret"
        >
          {secret}
        </code>
        <CopyButton value={secret} label="Copy secret" />
      </div>
    </Alert>
  );
}
