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

/** Another request recorded the same Idempotency-Key at the same moment: nothing was held for this one. */
export class IdempotencyConflictError extends Error {
  override name = "IdempotencyConflictError";
  constructor() {
    super("Another request with the same Idempotency-Key was admitted first.");
  }
}
