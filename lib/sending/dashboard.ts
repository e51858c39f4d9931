import { SenderNotAllowedError } from "@/lib/domains/errors";
import { sharedSenderDomain } from "@/lib/domains/names";
import type { SessionUser } from "@/lib/auth/session";
import { logger } from "@/lib/runtime/log";
import type { ComposerFieldErrors } from "./composer-schema";
import type { OutgoingEmail } from "./outgoing-email";

import { HttpError } from "@/lib/errors";

import { cancelScheduledEmail } from "./cancel";
import type { CancelEmailState } from "./cancel-state";
import { AllRecipientsSuppressedError, InsufficientCreditsError } from "./errors";
import { sendEmails } from "./pipeline";

/** The dashboard composer's send: the same pipeline as the API, with answers shaped for the form. */

export type ComposerValues = { from: string; to: string; subject: string; format: string; body: string };

export type ComposerState =
  | { status: "idle" }
  | {
      status: "sent";
      sendId: string;
      /** The sender used, display name included: the next email starts from it. */
      from: string;
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

/**
 * Where a refused sender's message belongs. While onboarding (no verified domain), the shared sender is allowed and
 * only the recipients are wrong (anyone but the owner): the message goes under To. Otherwise the From is wrong.
 */
function refusedField(user: SessionUser, error: SenderNotAllowedError): "from" | "to" {
  const onboarding = user.senderPolicy !== undefined && user.senderPolicy.verifiedDomains.length === 0;
  return onboarding && error.domain === sharedSenderDomain() ? "to" : "from";
}

/** What the user typed, to show again next to an error. */
export function composerValues(values: Record<string, string>): ComposerValues {
  const { from = "", to = "", subject = "", format = "text", body = "" } = values;
  return { from, to, subject, format: format || "text", body };
}

/**
 * `ensureDodoCustomer` finds or creates the user's Dodo customer (billing's job, lib/billing/customer.ts): the
 * caller passes it in, and a failure there is answered like any other failure to send.
 */
export async function sendFromComposer(
  user: SessionUser,
  email: OutgoingEmail,
  values: ComposerValues,
  ensureDodoCustomer: (user: SessionUser) => Promise<string>,
): Promise<ComposerState> {
  try {
    const customerId = user.dodoCustomerId ?? (await ensureDodoCustomer(user));
    const sender = { userId: user.id, customerId, source: "dashboard" as const, senderPolicy: user.senderPolicy };
    const result = await sendEmails(sender, [email]);
    return {
      status: "sent",
      sendId: result.emails[0]!.id,
      from: values.from,
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
      return { status: "invalid", fieldErrors: { [refusedField(user, error)]: error.message }, values };
    logger("composer").error({ err: error }, "send from the composer failed");
    return {
      status: "failed",
      message: "Something went wrong before the email was sent. Nothing was charged; please try again.",
      values,
    };
  }
}

/** The message page's Cancel button: the same cancel as the API, answered in words for the page. */
export async function cancelFromDashboard(user: SessionUser, id: string): Promise<CancelEmailState> {
  try {
    const { creditsReturned, via } = await cancelScheduledEmail(user.id, id);
    const credits = `${creditsReturned} credit${creditsReturned === 1 ? "" : "s"}`;
    const message =
      via === "already_canceled"
        ? "This email was already cancelled."
        : via === "credit_back"
          ? `Cancelled. ${credits} will be credited back to your balance in a moment.`
          : `Cancelled. ${credits} returned to your balance.`;
    return { status: "canceled", message };
  } catch (error) {
    if (error instanceof HttpError) return { status: "error", message: error.message };
    logger("cancel").error({ err: error, sendId: id }, "cancel from the dashboard failed");
    return { status: "error", message: "Something went wrong; the email is still scheduled. Please try again." };
  }
}
