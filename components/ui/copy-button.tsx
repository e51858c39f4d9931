"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";
import { toast } from "sonner";

/** Copies `value` to the clipboard, with a toast and a tick for a moment. */
const tones = {
  page: "text-gray-600 ring-gray-300 hover:bg-gray-50 hover:text-gray-900",
  // On a code block, which stays dark in both themes.
  code: "bg-code text-code-fg ring-gray-500 hover:text-white",
};

export function CopyButton({
  value,
  label = "Copy",
  tone = "page",
  className = "",
}: {
  value: string;
  label?: string;
  tone?: keyof typeof tones;
  className?: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      onClick={() => {
        navigator.clipboard
          ?.writeText(value)
          .then(() => {
            setCopied(true);
            toast.success("Copied to the clipboard");
            setTimeout(() => setCopied(false), 1500);
          })
          .catch(() => toast.error("Could not copy: select the text and copy it by hand"));
      }}
      className={`inline-flex shrink-0 items-center gap-1 rounded-md px-1.5 py-1 text-xs font-medium ring-1 ring-inset ${tones[tone]} ${className}`}
      aria-label={`${label}: ${value.length > 40 ? `${value.slice(0, 40)}…` : value}`}
      data-testid="copy-button"
    >
      {copied ? <Check className="h-3.5 w-3.5" aria-hidden /> : <Copy className="h-3.5 w-3.5" aria-hidden />}
      <span>{copied ? "Copied" : label}</span>
    </button>
  );
}
