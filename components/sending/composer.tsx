"use client";

import Link from "next/link";
import { useActionState, useState, type ReactNode } from "react";

import { TopUpButton } from "@/components/billing/top-up-button";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody } from "@/components/ui/card";
import { Input, Label, Textarea } from "@/components/ui/input";
import type { ComposerState, ComposerValues } from "@/lib/sending/dashboard";

type Props = {
  action: (previous: ComposerState, form: FormData) => Promise<ComposerState>;
  available: number;
  defaultFrom: string;
};

const fmt = (n: number) => n.toLocaleString("en-US");

/** The dashboard composer: to, subject, HTML or text. Shows the balance drop (or the 402) right after a send. */
export function Composer({ action, available, defaultFrom }: Props) {
  const [state, formAction, pending] = useActionState(action, { status: "idle" } as ComposerState);
  const [submissions, setSubmissions] = useState(0);
  const values: Partial<ComposerValues> = "values" in state ? state.values : {};
  const errors = state.status === "invalid" ? state.fieldErrors : {};
  const balance =
    state.status === "sent" ? state.creditsRemaining : state.status === "insufficient" ? state.available : available;

  return (
    <div className="space-y-4">
      <Card>
        <CardBody className="flex flex-wrap items-baseline justify-between gap-2">
          <p className="text-sm text-gray-600">
            Credits available:{" "}
            <span className="text-lg font-semibold tabular-nums text-gray-900" data-testid="composer-balance">
              {fmt(balance)}
            </span>
          </p>
          {state.status === "sent" ? (
            <p className="text-sm text-gray-600" data-testid="balance-after-send">
              −{fmt(state.creditsCharged)} for this email · {fmt(state.creditsRemaining)} left
            </p>
          ) : null}
        </CardBody>
      </Card>

      {state.status === "sent" ? (
        <Alert tone="success" title={state.settled ? "Email sent" : "Email queued"} role="status">
          <span data-testid="send-result">
            {state.settled
              ? `Accepted for delivery to ${state.recipients} recipient${state.recipients === 1 ? "" : "s"}.`
              : "The provider is slow to confirm; we hold the credits and finish the send shortly (it goes out once)."}{" "}
            <Link className="font-medium underline" href={`/dashboard/messages/${state.sendId}`}>
              View message
            </Link>
          </span>
        </Alert>
      ) : null}
      {state.status === "insufficient" ? (
        <div data-testid="insufficient-credits">
          <Alert
            tone="error"
            title="No email credits remaining. Buy a top-up pack or upgrade your plan."
            action={<TopUpButton />}
          >
            This email needs {fmt(state.required)} credit{state.required === 1 ? "" : "s"}; you have{" "}
            {fmt(state.available)}. Nothing was sent or charged.
          </Alert>
        </div>
      ) : null}
      {state.status === "failed" ? (
        <Alert tone="error" title="Not sent">
          <span data-testid="send-error">{state.message}</span>
        </Alert>
      ) : null}

      <Card>
        <CardBody>
          <form
            action={formAction}
            onSubmit={() => setSubmissions((n) => n + 1)}
            className="space-y-4"
            key={state.status === "sent" ? `sent-${submissions}` : "editing"}
            noValidate
          >
            <Field id="from" label="From" error={errors.from}>
              <Input
                id="from"
                name="from"
                defaultValue={values.from ?? defaultFrom}
                data-testid="composer-from"
                required
              />
            </Field>
            <Field id="to" label="To" hint="Separate several recipients with commas." error={errors.to}>
              <Input
                id="to"
                name="to"
                type="text"
                placeholder="ada@example.com, grace@example.com"
                defaultValue={values.to}
                data-testid="composer-to"
                required
              />
            </Field>
            <Field id="subject" label="Subject" error={errors.subject}>
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
            <Field id="body" label="Message" error={errors.body}>
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
              <p className="text-xs text-gray-500">Costs one credit per distinct recipient.</p>
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

function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  id: string;
  label: string;
  hint?: string;
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
