import { HttpError } from "@/lib/http/errors";

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
      | "provider_unavailable",
    message: string,
  ) {
    super(code, message);
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

/** Another MailKit customer (or this one) has the domain already: a domain belongs to exactly one customer. */
export class DomainTakenError extends DomainError {
  constructor(
    readonly domain: string,
    readonly byYou: boolean,
  ) {
    super(
      "forbidden",
      byYou
        ? `You have already added ${domain}.`
        : `The domain ${domain} is already registered by another MailKit account. If it is yours, contact support to transfer it.`,
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
