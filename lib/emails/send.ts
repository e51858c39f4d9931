import { render } from "@react-email/render";

import { getEnv } from "@/lib/env";
import { getResend } from "@/lib/resend/client";

import { LowBalanceEmail, type LowBalanceEmailProps } from "./low-balance";
import { SignInEmail } from "./sign-in";
import { WebhookDisabledEmail, type WebhookDisabledEmailProps } from "./webhook-disabled";

/** MailKit's own emails (not customers' sends): sign-in links and billing notices. */

export async function sendSignInEmail(to: string, url: string): Promise<void> {
  const host = new URL(url).host;
  const element = SignInEmail({ url, host });
  const { error } = await getResend().emails.send({
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
  const { error } = await getResend().emails.send(
    {
      from: getEnv().EMAIL_FROM,
      to,
      subject: `Only ${props.available.toLocaleString("en-US")} email credits left`,
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
  const { error } = await getResend().emails.send(
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
