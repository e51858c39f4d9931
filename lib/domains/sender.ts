import { db } from "@/lib/db";
import { distinctRecipients } from "@/lib/sending/recipients";

import { SenderNotAllowedError } from "./errors";
import { domainOfAddress, sharedSenderDomain } from "./names";

/**
 * Which `from` a customer may use (checked by lib/sending before anything is held, one small query):
 *  - an address on one of their verified domains;
 *  - onboarding, while they have no verified domain: the platform's shared sender (EMAIL_FROM's domain), and
 *    only to their own account address (Resend's own rule for its testing domain).
 * Anything else throws SenderNotAllowedError (403 validation_error, naming the domain).
 */

export type SenderCheckEmail = { from: string; to: string[]; cc?: string[] | null; bcc?: string[] | null };

export async function assertSendersAllowed(userId: string, emails: SenderCheckEmail[]): Promise<void> {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { email: true, senderDomains: { where: { status: "verified" }, select: { name: true } } },
  });
  const verified = new Set(user?.senderDomains.map((d) => d.name) ?? []);
  const owner = user?.email.toLowerCase() ?? "";
  const shared = sharedSenderDomain();
  emails.forEach((email, index) => {
    const where = emails.length > 1 ? `emails[${index}]: ` : "";
    const domain = domainOfAddress(email.from) ?? email.from;
    if (verified.has(domain)) return;
    if (domain === shared) {
      if (verified.size > 0)
        throw new SenderNotAllowedError(
          domain,
          `${where}${domain} is MailKit's shared sender, for trying MailKit before you verify a domain. Send from one of your verified domains: ${[...verified].join(", ")}.`,
        );
      const others = distinctRecipients(email).filter((r) => r !== owner);
      if (others.length === 0) return;
      throw new SenderNotAllowedError(
        domain,
        `${where}Until you verify a domain, you can only send from ${domain} to your own email address (${owner}). Add and verify your domain under Domains, then send from an address on it.`,
      );
    }
    throw new SenderNotAllowedError(
      domain,
      `${where}The ${domain} domain is not verified. Please, add and verify your domain under Domains in the MailKit dashboard.`,
    );
  });
}

/** The customer's verified domain names (the composer offers them). */
export async function verifiedDomainNames(userId: string): Promise<string[]> {
  const rows = await db.senderDomain.findMany({
    where: { userId, status: "verified" },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  return rows.map((r) => r.name);
}
