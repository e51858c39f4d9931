import type { ReactNode } from "react";

type Tone = "info" | "warning" | "error" | "success";
const tones: Record<Tone, string> = {
  info: "border-brand-200 bg-brand-50 text-brand-900",
  warning: "border-yellow-300 bg-yellow-50 text-yellow-900",
  error: "border-red-300 bg-red-50 text-red-900",
  success: "border-green-300 bg-green-50 text-green-900",
};

export function Alert({
  tone = "info",
  title,
  children,
  action,
  role,
}: {
  tone?: Tone;
  title: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
  role?: string;
}) {
  return (
    <div
      role={role ?? (tone === "error" || tone === "warning" ? "alert" : "status")}
      className={`flex flex-wrap items-center justify-between gap-3 rounded-xl border px-4 py-3 ${tones[tone]}`}
    >
      <div>
        <p className="text-sm font-semibold">{title}</p>
        {children ? <div className="mt-0.5 text-sm opacity-90">{children}</div> : null}
      </div>
      {action}
    </div>
  );
}
