/**
 * Why a domain operation or a `from` address was refused. Typed errors: the public API turns them into
 * Resend-shaped answers (lib/api/respond.ts), the dashboard into messages. Each carries the HTTP status and
 * Resend error name it maps to.
 */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly statusCode: number,
    readonly code: "validation_error" | "not_found" | "missing_required_field" | "invalid_region" | "application_error",
    message: string,
  ) {
    super(message);
  }
}

/** The name is not a domain MailKit can add (syntax, MailKit's own shared domain). */
export class InvalidDomainError extends DomainError {
  override name = "InvalidDomainError";
  constructor(
    message: string,
    code: "validation_error" | "missing_required_field" | "invalid_region" = "validation_error",
  ) {
    super(422, code, message);
  }
}

/** Another MailKit customer (or this one) has the domain already: a domain belongs to exactly one customer. */
export class DomainTakenError extends DomainError {
  override name = "DomainTakenError";
  constructor(
    readonly domain: string,
    readonly byYou: boolean,
  ) {
    super(
      403,
      "validation_error",
      byYou
        ? `You have already added ${domain}.`
        : `The domain ${domain} is already registered by another MailKit account. If it is yours, contact support to transfer it.`,
    );
  }
}

export class DomainNotFoundError extends DomainError {
  override name = "DomainNotFoundError";
  constructor() {
    super(404, "not_found", "Domain not found");
  }
}

/** Resend refused or failed the call; nothing changed in MailKit. */
export class DomainProviderError extends DomainError {
  override name = "DomainProviderError";
  constructor(message: string) {
    super(502, "application_error", `Resend could not complete the request: ${message}`);
  }
}

/**
 * A `from` address the sender may not use: not on one of their verified domains, or the shared sender to
 * someone other than the account owner. 403 validation_error like Resend's; nothing was held or charged.
 */
export class SenderNotAllowedError extends DomainError {
  override name = "SenderNotAllowedError";
  constructor(
    readonly domain: string,
    message: string,
  ) {
    super(403, "validation_error", message);
  }
}
