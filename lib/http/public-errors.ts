import { apiErrors, type HttpError } from "@/lib/errors";
import { AllRecipientsSuppressedError, InsufficientCreditsError } from "@/lib/sending/errors";

/** A domain error the public API answers in its own words; anything else passes through. */
export function toApiError<E>(error: E): HttpError | E {
  if (error instanceof InsufficientCreditsError)
    return apiErrors.insufficientCredits(error.required, error.available, error.message);
  if (error instanceof AllRecipientsSuppressedError)
    return apiErrors.recipientsSuppressed(error.message, error.addresses, error.index);
  return error;
}
