/**
 * A webhook's signature (or its headers, or the configured secret) does not check out: the inbox answers 401.
 * Thrown by each source's `verify`, low in the stack so that the adapters and handlers that verify can throw it.
 */
export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}
