import { HttpError } from "@/lib/errors";

/**
 * Why a domain operation or a `from` address was refused. Typed errors named by a code of the one error table
 * (lib/http/errors.ts): the public API renders them in Resend's shape, the dashboard shows their message.
 */
export class DomainError extends HttpError {
  constructor(
    code:
      | "validation_error"
      | "missing_required_field"
      | "invalid_region"
      | "forbidden"
      | "not_found"
      | "rate_limit_exceeded"
      | "provider_unavailable",
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(code, message, {}, headers);
  }
}

/** The name is not a domain MailKit can add (syntax, MailKit's own shared domain). */
export class InvalidDomainError extends DomainError {
  constructor(
    message: string,
    code: "validation_error" | "missing_required_field" | "invalid_region" = "validation_error",
  ) {
    super(code, message);
  }
}

/**
 * Another MailKit customer (or this one) has the domain already: a domain belongs to exactly one customer. A claim
 * never verified is released at `releasedAt` (72 h after it was added), and the name is free for anyone then.
 */
export class DomainTakenError extends DomainError {
  constructor(
    readonly domain: string,
    readonly byYou: boolean,
    readonly releasedAt: Date | null = null,
  ) {
    super("forbidden", takenMessage(domain, byYou, releasedAt));
  }
}

function takenMessage(domain: string, byYou: boolean, releasedAt: Date | null): string {
  if (byYou) return `You have already added ${domain}.`;
  if (releasedAt)
    return `The domain ${domain} is claimed by another MailKit account but not verified. Unverified claims are released 72 hours after they are made: if the domain is yours, add it again after ${releasedAt.toISOString()}.`;
  return `The domain ${domain} is already registered by another MailKit account. If it is yours, contact support to transfer it.`;
}

/** The customer has as many domains as an account may have (lib/domains/service.ts MAX_DOMAINS_PER_CUSTOMER). */
export class DomainLimitError extends DomainError {
  constructor(readonly limit: number) {
    super(
      "forbidden",
      `You have reached the limit of ${limit} domains per account. Remove a domain you no longer use before adding another.`,
    );
  }
}

export class DomainNotFoundError extends DomainError {
  constructor() {
    super("not_found", "Domain not found");
  }
}

/** Resend refused or failed the call; nothing changed in MailKit. */
export class DomainProviderError extends DomainError {
  constructor(message: string) {
    super("provider_unavailable", `Resend could not complete the request: ${message}`);
  }
}

/**
 * A `from` address the sender may not use: not on one of their verified domains, or the shared sender to
 * someone other than the account owner. 403 validation_error like Resend's; nothing was held or charged.
 */
export class SenderNotAllowedError extends DomainError {
  constructor(
    readonly domain: string,
    message: string,
  ) {
    super("forbidden", message);
  }
}
