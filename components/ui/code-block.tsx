import { CopyButton } from "./copy-button";

/** A code block that scrolls inside itself (never the page) with a copy button. */
export function CodeBlock({ code, label }: { code: string; label?: string }) {
  return (
    <div className="relative min-w-0" data-testid="code-block">
      {label ? <p className="mb-1 text-xs font-medium text-gray-500">{label}</p> : null}
      {/* Focusable, so keyboard users can scroll a long line sideways. */}
      <pre
        tabIndex={0}
        role="region"
        aria-label={label ? `${label} code` : "Code"}
        className="max-w-full overflow-x-auto rounded-lg bg-code p-4 pr-20 text-xs leading-relaxed text-code-fg ring-1 ring-gray-200"
      >
        <code>{code}</code>
      </pre>
      <CopyButton value={code} label="Copy" tone="code" className={`absolute right-2 ${label ? "top-7" : "top-2"}`} />
    </div>
  );
}
