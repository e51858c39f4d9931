import { render } from "@react-email/render";
import type { CreateEmailOptions, CreateEmailRequestOptions } from "resend";

import { getEnv } from "@/lib/env";
import { formatNumber } from "@/lib/format";
import { paceResendCall } from "@/lib/resend/budget";
import { getResend } from "@/lib/resend/client";

import {
  AutoTopUpOffEmail,
  CreditsExpiringEmail,
  ThresholdEmail,
  type AutoTopUpOffEmailProps,
  type CreditsExpiringEmailProps,
  type ThresholdEmailProps,
} from "./billing-notices";
import { LowBalanceEmail, type LowBalanceEmailProps } from "./low-balance";
import { SignInEmail } from "./sign-in";
import { WebhookDisabledEmail, type WebhookDisabledEmailProps } from "./webhook-disabled";

/** MailKit's own emails (not customers' sends): sign-in links and billing notices. */

/** Every Resend call shares the team's budget (lib/resend/budget.ts), MailKit's own emails included. */
function sendOwnEmail(email: CreateEmailOptions, options?: CreateEmailRequestOptions) {
  return paceResendCall(() => getResend().emails.send(email, options));
}

export async function sendSignInEmail(to: string, url: string): Promise<void> {
  const host = new URL(url).host;
  const element = SignInEmail({ url, host });
  const { error } = await sendOwnEmail({
    from: getEnv().EMAIL_FROM,
    to,
    subject: "Sign in to MailKit",
    html: await render(element),
    text: await render(element, { plainText: true }),
  });
  if (error) throw new Error(`Could not send the sign-in email: ${error.message}`);
}

/** Sends the low-balance warning; the idempotency key makes a retried job send it once. */
export async function sendLowBalanceEmail(
  to: string,
  props: LowBalanceEmailProps,
  idempotencyKey: string,
): Promise<void> {
  const element = LowBalanceEmail(props);
  const { error } = await sendOwnEmail(
    {
      from: getEnv().EMAIL_FROM,
      to,
      subject: `Only ${formatNumber(props.available)} email credits left`,
      html: await render(element),
      text: await render(element, { plainText: true }),
    },
    { idempotencyKey },
  );
  if (error) throw new Error(`Could not send the low-balance email: ${error.message}`);
}

/** Tells an owner MailKit disabled one of their webhook endpoints; the job key makes a retry send it once. */
export async function sendWebhookDisabledEmail(
  to: string,
  props: WebhookDisabledEmailProps,
  idempotencyKey: string,
): Promise<void> {
  const element = WebhookDisabledEmail(props);
  const { error } = await sendOwnEmail(
    {
      from: getEnv().EMAIL_FROM,
      to,
      subject: "Your MailKit webhook endpoint was disabled",
      html: await render(element),
      text: await render(element, { plainText: true }),
    },
    { idempotencyKey },
  );
  if (error) throw new Error(`Could not send the webhook-disabled email: ${error.message}`);
}

/** A billing notice; the idempotency key (the outbox job's key) makes a retried job send it once. */
async function sendNotice(
  to: string | string[],
  subject: string,
  element: React.ReactElement,
  idempotencyKey: string,
): Promise<void> {
  const { error } = await sendOwnEmail(
    {
      from: getEnv().EMAIL_FROM,
      to,
      subject,
      html: await render(element),
      text: await render(element, { plainText: true }),
    },
    { idempotencyKey },
  );
  if (error) throw new Error(`Could not send "${subject}": ${error.message}`);
}

export const sendThresholdEmail = (to: string[], props: ThresholdEmailProps, key: string) =>
  sendNotice(to, `Only ${formatNumber(props.available)} email credits left`, ThresholdEmail(props), key);

export const sendAutoTopUpOffEmail = (to: string, props: AutoTopUpOffEmailProps, key: string) =>
  sendNotice(to, "Auto top-up is off: your payment method was declined", AutoTopUpOffEmail(props), key);

export const sendCreditsExpiringEmail = (to: string, props: CreditsExpiringEmailProps, key: string) =>
  sendNotice(
    to,
    `${formatNumber(props.credits)} email credits expire on ${props.expiresAt.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" })}`,
    CreditsExpiringEmail(props),
    key,
  );
