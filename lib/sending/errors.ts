import { PRODUCT_COPY } from "@/lib/catalog/product";

/** Why a send was not made. The API and the dashboard turn these into their own answers. */

/** Not enough credits: nothing was held, nothing was sent. */
export class InsufficientCreditsError extends Error {
  override name = "InsufficientCreditsError";
  constructor(
    readonly required: number,
    readonly available: number,
    /** Whether the customer has a live plan: the answer then says to top up, else to subscribe first. */
    readonly hasPlan = true,
  ) {
    super(hasPlan ? PRODUCT_COPY.outOfCredits : PRODUCT_COPY.noPlan);
  }
}

/** Another request recorded the same Idempotency-Key at the same moment: nothing was held for this one. */
export class IdempotencyConflictError extends Error {
  override name = "IdempotencyConflictError";
  constructor() {
    super("Another request with the same Idempotency-Key was admitted first.");
  }
}

/** Every `to` recipient of an email is on the customer's suppression list: nothing was held or sent. */
export class AllRecipientsSuppressedError extends Error {
  override name = "AllRecipientsSuppressedError";
  constructor(
    readonly addresses: string[],
    /** The email's position in a batch request (null for a single email). */
    readonly index: number | null,
  ) {
    super(
      `${index === null ? "The email's" : `Email ${index}'s`} recipients are on your suppression list (${addresses.join(", ")}): ` +
        "nothing was sent or charged. Remove them from the list to send to them again.",
    );
  }
}
