/** Why a send was not made. The API and the dashboard turn these into their own answers. */

/** Not enough credits: nothing was held, nothing was sent. */
export class InsufficientCreditsError extends Error {
  override name = "InsufficientCreditsError";
  constructor(
    readonly required: number,
    readonly available: number,
  ) {
    super("No email credits remaining. Buy a top-up pack or upgrade your plan.");
  }
}

/** Resend definitely refused the email (a 4xx): the hold was released, nothing was charged. */
export class ProviderRejectedError extends Error {
  override name = "ProviderRejectedError";
  constructor(
    readonly statusCode: number,
    readonly providerCode: string,
    message: string,
    readonly sendIds: string[],
  ) {
    super(message);
  }
}
