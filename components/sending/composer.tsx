"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useActionState, useEffect, useRef, useState, type ReactNode } from "react";
import { toast } from "sonner";

import { PlanActivating } from "@/components/billing/plan-activating";
import { TopUpButton } from "@/components/billing/top-up-button";
import { useLive } from "@/components/live/live-updates";
import { LastSent } from "@/components/sending/last-sent";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Input, Label, Textarea } from "@/components/ui/input";
import { useMounted } from "@/components/ui/use-mounted";
import { PRODUCT_COPY } from "@/lib/catalog/product";
import { formatCount, formatNumber } from "@/lib/format";
import type { ComposerState, ComposerValues } from "@/lib/sending/dashboard";
import { STATUS_DESCRIPTIONS } from "@/lib/mail/status";
import { costOf } from "@/lib/mail/recipients";
import { composerForm, splitRecipients } from "@/lib/sending/composer-schema";

type Props = {
  action: (previous: ComposerState, form: FormData) => Promise<ComposerState>;
  available: number;
  defaultFrom: string;
  /** The sender's verified domains (offered for `from`); empty while onboarding. */
  senderDomains?: string[];
  ownerEmail?: string;
  activating?: boolean;
};

/**
 * The dashboard composer: to, subject, HTML or text. A live estimate of the cost while typing; after a send,
 * a toast and a "Last sent" line by the balance with the message's status as it moves (queued → sent →
 * delivered…), read from the live snapshot. The form empties. An error next to a field goes away once the
 * field is corrected; any other result as soon as the person edits again.
 */
export function Composer({
  action,
  available,
  defaultFrom,
  senderDomains = [],
  ownerEmail,
  activating = false,
}: Props) {
  const router = useRouter();
  const live = useLive();
  const mounted = useMounted();
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as ComposerState);
  const [submissions, setSubmissions] = useState(0);
  const [typed, setTyped] = useState<Readonly<Record<string, string>>>({});
  const values: Partial<ComposerValues> = "values" in state ? state.values : {};
  const edited = (field: string) => field in typed;
  // While onboarding the shared sender reaches only the owner's own address: To starts with it.
  const defaultTo = senderDomains.length === 0 ? ownerEmail : undefined;
  // What the "to" box holds: what was typed since the last submit, else what the server sent back.
  const to = typed.to ?? values.to ?? defaultTo ?? "";
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const fieldError = (field: keyof typeof errors) =>
    edited(field) && errors[field] ? recheck(field, typed[field]!) : errors[field];
  const showResult = Object.keys(typed).length === 0;
  const balance = useCredits(available, state);
  const cost = costOf({ to: splitRecipients(to) });
  const sentStatus = state.status === "sent" ? (live?.sends[state.sendId] ?? "queued") : null;
  // After a send the form is rebuilt (it empties), so the focused button goes away: focus moves to the outcome.
  const lastSent = useRef<HTMLDivElement>(null);
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state.status === "sent") lastSent.current?.focus();
    else if (state.status === "suppressed" || state.status === "insufficient" || state.status === "failed")
      outcome.current?.focus();
  }, [state]);

  useEffect(() => {
    if (state.status !== "sent") return;
    toast.success(`Email to ${formatCount(state.recipients, "recipient")} on its way`, {
      description: `−${formatCount(state.creditsCharged, "credit")} · ${formatNumber(state.creditsRemaining)} left`,
      action: { label: "View message", onClick: () => router.push(`/dashboard/messages/${state.sendId}`) },
    });
  }, [state, router]);

  return (
    <div className="space-y-4">
      <Card>
        <CardBody className="space-y-3">
          <div className="flex flex-wrap items-baseline justify-between gap-2">
            <p className="text-sm text-gray-600">
              Credits available:{" "}
              <span className="text-lg font-semibold tabular-nums text-gray-900" data-testid="composer-balance">
                {formatNumber(balance)}
              </span>
            </p>
            <p
              className={`text-sm tabular-nums ${cost > balance ? "font-medium text-red-700" : "text-gray-600"}`}
              data-testid="composer-estimate"
              aria-live="polite"
            >
              {formatCount(cost, "recipient")} · {formatCount(cost, "credit")} ·{" "}
              {cost > balance ? `${formatNumber(cost - balance)} short` : `${formatNumber(balance - cost)} left`}
            </p>
          </div>
          {activating ? <PlanActivating /> : null}
          {state.status === "sent" ? (
            <div ref={lastSent} tabIndex={-1} data-testid="last-sent-focus" className="focus:outline-none">
              <LastSent
                sendId={state.sendId}
                recipients={state.recipients}
                charged={state.creditsCharged}
                status={sentStatus!}
                balance={balance}
                suppressed={state.suppressed}
              />
              {sentStatus === "unknown" ? (
                <p className="mt-1 text-xs text-gray-500" data-testid="confirming-explained">
                  Confirming: {STATUS_DESCRIPTIONS.unknown}
                </p>
              ) : null}
            </div>
          ) : null}
        </CardBody>
      </Card>

      {showResult && (state.status === "suppressed" || state.status === "insufficient" || state.status === "failed") ? (
        <div ref={outcome} tabIndex={-1} className="focus:outline-none" data-testid="composer-outcome">
          {showResult && state.status === "suppressed" ? (
            <Alert tone="error" title="Not sent: every recipient is suppressed">
              <span data-testid="send-all-suppressed">
                {state.addresses.join(", ")} {state.addresses.length === 1 ? "is" : "are"} on your{" "}
                <Link className="font-medium underline" href="/dashboard/suppressions">
                  suppression list
                </Link>{" "}
                after a hard bounce or a complaint. Nothing was sent or charged.
              </span>
            </Alert>
          ) : null}
          {showResult && state.status === "insufficient" ? (
            <div data-testid="insufficient-credits">
              <Alert tone="error" title={PRODUCT_COPY.outOfCredits} action={<TopUpButton />}>
                This email needs {formatCount(state.required, "credit")}; you have {formatNumber(state.available)}.
                Nothing was sent or charged.
              </Alert>
            </div>
          ) : null}
          {showResult && state.status === "failed" ? (
            <Alert tone="error" title="Not sent">
              <span data-testid="send-error">{state.message}</span>
            </Alert>
          ) : null}
        </div>
      ) : null}

      <Card>
        <CardBody>
          <form
            action={formAction}
            onSubmit={() => {
              setSubmissions((n) => n + 1);
              setTyped({});
            }}
            onInput={(event) => {
              const { name, value } = event.target as HTMLInputElement;
              setTyped((before) => ({ ...before, [name]: value }));
            }}
            className="space-y-4"
            key={state.status === "sent" ? `sent-${submissions}` : "editing"}
            data-ready={mounted ? "" : undefined /* the live estimate follows typing from here on */}
            noValidate
          >
            <Field
              id="from"
              label="From"
              error={fieldError("from")}
              hint={
                senderDomains.length ? (
                  <>Any address on a verified domain: {senderDomains.join(", ")}.</>
                ) : (
                  <>
                    Until you{" "}
                    <Link className="font-medium underline" href="/dashboard/domains">
                      verify a domain
                    </Link>
                    , this shared sender reaches only your own address{ownerEmail ? ` (${ownerEmail})` : ""}.
                  </>
                )
              }
            >
              <Input
                id="from"
                name="from"
                defaultValue={values.from ?? (state.status === "sent" ? state.from : defaultFrom)}
                list="from-domains"
                data-testid="composer-from"
                required
              />
              <datalist id="from-domains">
                {senderDomains.map((domain) => (
                  <option key={domain} value={`hello@${domain}`} />
                ))}
              </datalist>
            </Field>
            <Field
              id="to"
              label="To"
              hint={
                defaultTo
                  ? `Your own address (${defaultTo}) until you verify a domain. Separate several recipients with commas.`
                  : "Separate several recipients with commas."
              }
              error={fieldError("to")}
            >
              <Input
                id="to"
                name="to"
                type="text"
                placeholder="ada@example.com, grace@example.com"
                defaultValue={values.to ?? defaultTo}
                data-testid="composer-to"
                required
              />
            </Field>
            <Field id="subject" label="Subject" error={fieldError("subject")}>
              <Input
                id="subject"
                name="subject"
                defaultValue={values.subject}
                data-testid="composer-subject"
                required
              />
            </Field>
            <fieldset>
              <legend className="mb-1.5 block text-sm font-medium text-gray-800">Format</legend>
              <div className="flex gap-4 text-sm">
                {(["text", "html"] as const).map((format) => (
                  <label key={format} className="flex items-center gap-2">
                    <input
                      type="radio"
                      name="format"
                      value={format}
                      defaultChecked={(values.format ?? "text") === format}
                      data-testid={`composer-format-${format}`}
                    />
                    {format === "text" ? "Plain text" : "HTML"}
                  </label>
                ))}
              </div>
            </fieldset>
            <Field id="body" label="Message" error={fieldError("body")}>
              <Textarea
                id="body"
                name="body"
                rows={8}
                defaultValue={values.body}
                data-testid="composer-body"
                required
              />
            </Field>
            <div className="flex items-center justify-between gap-3">
              <p className="text-xs text-gray-500">{PRODUCT_COPY.costRule}</p>
              <Button type="submit" disabled={pending} data-testid="send-button">
                {pending ? "Sending…" : "Send email"}
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>
    </div>
  );
}

/** A field's error once it has been edited: the same rule as the server's, so it goes as soon as it is fixed. */
function recheck(field: "from" | "to" | "subject" | "format" | "body", value: string): string | undefined {
  // The sender can also be refused for its domain, which only the server knows: that error goes on any edit.
  if (field === "from") return undefined;
  const result = composerForm.in.shape[field].safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
}

/**
 * The credits to show. The layout's live snapshot can lag the page's own figure (refreshed from Dodo while a
 * plan activates, when the snapshot may still read 0) and a send's answer: each figure is trusted until the
 * live snapshot moves past the version it was paired with.
 */
function useCredits(pageFigure: number, state: ComposerState): number {
  const live = useLive();
  const [pin, setPin] = useState({ key: "page", version: live?.version, figure: pageFigure });
  if (state.status === "sent" && pin.key !== state.sendId)
    setPin({ key: state.sendId, version: live?.version, figure: state.creditsRemaining });
  return live && live.version !== pin.version ? live.available : pin.figure;
}

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
}) {
  return (
    <div>
      <Label htmlFor={id}>{label}</Label>
      {children}
      {error ? (
        <p className="mt-1 text-sm text-red-700" data-testid={`composer-error-${id}`}>
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-gray-500">{hint}</p>
      ) : null}
    </div>
  );
}
