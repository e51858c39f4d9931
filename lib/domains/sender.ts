import { db, sql } from "@/lib/db";
import { distinctRecipients } from "@/lib/mail/recipients";

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

/** What the rule needs to know of a sender: read with the API key (lib/keys/api-keys.ts) or by senderPolicyOf. */
export type SenderPolicy = {
  ownerEmail: string;
  verifiedDomains: string[];
  /** The sending key is restricted to this one domain (lib/keys/api-keys.ts): any other `from` is refused. */
  onlyDomain?: string;
};

/** The SQL that reads a user's verified domain names (also inlined in the API key gate's one statement). */
export const VERIFIED_DOMAINS_SQL = (userIdColumn: string) =>
  `ARRAY(SELECT d."name" FROM "SenderDomain" d WHERE d."userId" = ${userIdColumn} AND d."status" = 'verified')`;

/** One statement: the owner's address and verified domains (for senders that did not come with an API key). */
export async function senderPolicyOf(userId: string): Promise<SenderPolicy> {
  const rows = await sql<{ email: string; verifiedDomains: string[] }>(
    `SELECT u."email", ${VERIFIED_DOMAINS_SQL('u."id"')} AS "verifiedDomains" FROM "User" u WHERE u."id" = $1`,
    [userId],
  );
  return { ownerEmail: rows[0]?.email ?? "", verifiedDomains: rows[0]?.verifiedDomains ?? [] };
}

export async function assertSendersAllowed(
  userId: string,
  emails: SenderCheckEmail[],
  known?: SenderPolicy,
): Promise<void> {
  const policy = known ?? (await senderPolicyOf(userId));
  const verified = new Set(policy.verifiedDomains);
  const owner = policy.ownerEmail.toLowerCase();
  const shared = sharedSenderDomain();
  emails.forEach((email, index) => {
    const where = emails.length > 1 ? `emails[${index}]: ` : "";
    const domain = domainOfAddress(email.from) ?? email.from;
    if (policy.onlyDomain && domain !== policy.onlyDomain)
      throw new SenderNotAllowedError(
        domain,
        `${where}This API key can only send from ${policy.onlyDomain}. Use an address on ${policy.onlyDomain}, or a key that is not restricted to one domain.`,
      );
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
