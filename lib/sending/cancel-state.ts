/** What the message page's Cancel button shows after trying (shared by the server action and the button). */
export type CancelEmailState =
  { status: "idle" } | { status: "canceled"; message: string } | { status: "error"; message: string };
