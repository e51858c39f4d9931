/**
 * What a dashboard button's server action answers (safe for client components: no server code). The button shows
 * `message` when `ok` is false (components/ui/confirm-form.tsx, components/ui/action-form.tsx).
 */
export type ActionResult = { ok: true } | { ok: false; message: string };

export const DONE: ActionResult = { ok: true };

export function refused(message: string): ActionResult {
  return { ok: false, message };
}

/** Shown when the database cannot serve the action now (the route handlers' 503): nothing was changed. */
export const UNAVAILABLE_ACTION_MESSAGE =
  "MailKit is temporarily unavailable: nothing was changed. Try again in a few seconds.";
