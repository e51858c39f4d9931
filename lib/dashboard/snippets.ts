/** Code people copy to send through MailKit: the docs page and the "key created" panel show the same. */

export const apiBaseUrl = (appUrl: string) => `${appUrl.replace(/\/$/, "")}/api`;

/** The official `resend` SDK pointed at MailKit. `keyExpression` is code: a quoted key or an env lookup. */
export function nodeSnippet(apiBase: string, keyExpression: string): string {
  return `npm install resend

import { Resend } from "resend";

const mailkit = new Resend(${keyExpression}, { baseUrl: "${apiBase}" });

const { data, error } = await mailkit.emails.send(
  {
    from: "Acme <hello@acme.com>",
    to: ["ada@example.com"],
    subject: "Welcome",
    html: "<p>Hello!</p>",
  },
  { idempotencyKey: "welcome/user-123" },
);`;
}

export function curlSnippet(apiBase: string, key: string): string {
  return `curl ${apiBase}/emails \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: welcome/user-123" \\
  -d '{"from":"Acme <hello@acme.com>","to":"ada@example.com","subject":"Welcome","text":"Hello!"}'`;
}
