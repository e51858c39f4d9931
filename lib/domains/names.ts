import { getEnv } from "@/lib/env";
import { bareAddress } from "@/lib/mail/recipients";

/** Domain names and addresses: normalising what customers type, and the platform's shared sender domain. */

// Labels of letters, digits and hyphens, at least two labels, a letter TLD (what Resend accepts).
const DOMAIN_NAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** Lower-case, trimmed, without a trailing dot; undefined when it is not a domain name. */
export function normalizeDomain(value: string): string | undefined {
  const name = value.trim().toLowerCase().replace(/\.$/, "");
  return DOMAIN_NAME.test(name) ? name : undefined;
}

/** The domain of an address (`a@b.com` or `Name <a@b.com>`), lower-cased. */
export function domainOfAddress(value: string): string | undefined {
  const address = bareAddress(value);
  return address ? address.slice(address.lastIndexOf("@") + 1) : undefined;
}

/** EMAIL_FROM's domain: MailKit's shared sender (sign-in emails; customers' onboarding sends to themselves). */
export function sharedSenderDomain(): string {
  return domainOfAddress(getEnv().EMAIL_FROM) ?? "";
}
