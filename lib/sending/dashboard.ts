import { ensureDodoCustomer } from "@/lib/billing/customer";
import { SenderNotAllowedError } from "@/lib/domains/errors";
import type { SessionUser } from "@/lib/auth/session";
import type { ComposerFieldErrors, OutgoingEmail } from "./email-schema";

import { AllRecipientsSuppressedError, InsufficientCreditsError } from "./errors";
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
      /** Recipients left out because they are on the suppression list. */
      suppressed: string[];
    }
  | { status: "suppressed"; addresses: string[]; values: ComposerValues }
  | { status: "insufficient"; required: number; available: number; values: ComposerValues }
  | { status: "invalid"; fieldErrors: ComposerFieldErrors; values: ComposerValues }
  | { status: "failed"; message: string; values: ComposerValues };

/** What the user typed, to show again next to an error. */
export function composerValues(values: Record<string, string>): ComposerValues {
  const { from = "", to = "", subject = "", format = "text", body = "" } = values;
  return { from, to, subject, format: format || "text", body };
}

export async function sendFromComposer(
  user: SessionUser,
  email: OutgoingEmail,
  values: ComposerValues,
): Promise<ComposerState> {
  try {
    const customerId = user.dodoCustomerId ?? (await ensureDodoCustomer(user));
    const sender = { userId: user.id, customerId, source: "dashboard" as const, senderPolicy: user.senderPolicy };
    const result = await sendEmails(sender, [email]);
    return {
      status: "sent",
      sendId: result.emails[0]!.id,
      creditsCharged: result.creditsCharged,
      creditsRemaining: result.creditsRemaining,
      recipients: result.emails[0]!.cost,
      suppressed: result.suppressed,
    };
  } catch (error) {
    if (error instanceof InsufficientCreditsError)
      return { status: "insufficient", required: error.required, available: error.available, values };
    if (error instanceof AllRecipientsSuppressedError)
      return { status: "suppressed", addresses: error.addresses, values };
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
