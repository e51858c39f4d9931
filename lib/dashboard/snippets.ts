import type { SenderPolicy } from "@/lib/domains/sender";

/** Code people copy to send through MailKit: the docs page and the "key created" panel show the same. */

export const apiBaseUrl = (appUrl: string) => `${appUrl.replace(/\/$/, "")}/api`;

/** Who a snippet sends from and to: addresses that work for this customer when pasted as they are. */
export type SnippetAddresses = { from: string; to: string };

/**
 * A verified domain's `hello@` to anyone; before the first verified domain, the shared sender to the customer's
 * own address (the onboarding rule, lib/domains/sender.ts).
 */
export function snippetAddresses(
  user: { email: string; senderPolicy?: SenderPolicy },
  sharedSender: string,
): SnippetAddresses {
  const domain = user.senderPolicy?.verifiedDomains[0];
  if (domain) return { from: `Acme <hello@${domain}>`, to: "ada@example.com" };
  return { from: sharedSender, to: user.email };
}

/** The official `resend` SDK pointed at MailKit. `keyExpression` is code: a quoted key or an env lookup. */
export function nodeSnippet(apiBase: string, keyExpression: string, { from, to }: SnippetAddresses): string {
  return `npm install resend

import { Resend } from "resend";

const mailkit = new Resend(${keyExpression}, { baseUrl: "${apiBase}" });

const { data, error } = await mailkit.emails.send(
  {
    from: ${JSON.stringify(from)},
    to: [${JSON.stringify(to)}],
    subject: "Welcome",
    html: "<p>Hello!</p>",
  },
  { idempotencyKey: "welcome/user-123" },
);`;
}

export function curlSnippet(apiBase: string, key: string, { from, to }: SnippetAddresses): string {
  const body = JSON.stringify({ from, to, subject: "Welcome", text: "Hello!" }).replace(/'/g, "'\\''");
  return `curl ${apiBase}/emails \\
  -H "Authorization: Bearer ${key}" \\
  -H "Content-Type: application/json" \\
  -H "Idempotency-Key: welcome/user-123" \\
  -d '${body}'`;
}
