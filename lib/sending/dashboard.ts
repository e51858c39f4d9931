import { ensureDodoCustomer } from "@/lib/billing/customer";
import { SenderNotAllowedError } from "@/lib/domains/errors";
import type { SessionUser } from "@/lib/auth/session";
import { parseComposerForm, type ComposerFieldErrors } from "@/lib/validations/email";

import { InsufficientCreditsError } from "./errors";
import { sendEmails } from "./pipeline";

/** The dashboard composer's send: the same pipeline as the API, with answers shaped for the form. */

export type ComposerValues = { from: string; to: string; subject: string; format: string; body: string };

export type ComposerState =
  | { status: "idle" }
  | {
      status: "sent";
      sendId: string;
      creditsCharged: number;
      creditsRemaining: number;
      recipients: number;
    }
  | { status: "insufficient"; required: number; available: number; values: ComposerValues }
  | { status: "invalid"; fieldErrors: ComposerFieldErrors; values: ComposerValues }
  | { status: "failed"; message: string; values: ComposerValues };

export async function sendFromComposer(user: SessionUser, form: FormData): Promise<ComposerState> {
  const values: ComposerValues = {
    from: String(form.get("from") ?? ""),
    to: String(form.get("to") ?? ""),
    subject: String(form.get("subject") ?? ""),
    format: String(form.get("format") ?? "text"),
    body: String(form.get("body") ?? ""),
  };
  const parsed = parseComposerForm(form);
  if (!parsed.ok) return { status: "invalid", fieldErrors: parsed.fieldErrors, values };
  try {
    const customerId = user.dodoCustomerId ?? (await ensureDodoCustomer(user));
    const result = await sendEmails({ userId: user.id, customerId, source: "dashboard" }, [parsed.value]);
    return {
      status: "sent",
      sendId: result.emails[0]!.id,
      creditsCharged: result.creditsCharged,
      creditsRemaining: result.creditsRemaining,
      recipients: result.emails[0]!.cost,
    };
  } catch (error) {
    if (error instanceof InsufficientCreditsError)
      return { status: "insufficient", required: error.required, available: error.available, values };
    if (error instanceof SenderNotAllowedError)
      return { status: "invalid", fieldErrors: { from: error.message }, values };
    console.error("[composer]", error);
    return {
      status: "failed",
      message: "Something went wrong before the email was sent. Nothing was charged; please try again.",
      values,
    };
  }
}
