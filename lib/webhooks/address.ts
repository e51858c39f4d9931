import { checkPublicUrl } from "@/lib/net/public-url";
import { resolvePublicAddresses as resolveHost } from "@/lib/net/resolve-host";

import type { ResolveHost } from "./config";

/**
 * SSRF guard for customer webhook URLs. A URL is checked when it is registered and again, on the addresses the
 * connection will actually use, at every delivery (a name that resolved to a public address yesterday may
 * resolve to 10.0.0.1 today: DNS rebinding). Only public unicast addresses pass; in local mode loopback
 * (http://localhost, 127.0.0.1, ::1) passes too, so a newcomer can try webhooks against a local receiver.
 */

/** Every address the endpoint's host resolves to, all of which must pass (lib/net/resolve-host.ts). */
export function resolvePublicAddresses(
  hostname: string,
  options: { allowLoopback: boolean; resolve: ResolveHost },
): Promise<{ address: string; family: number }[]> {
  return resolveHost(hostname, { ...options, subject: "The endpoint's host" });
}

/** Registration: the URL's own checks, then its host's DNS answers. Returns the normalised URL. */
export async function assertSafeWebhookUrl(
  value: string,
  options: { allowLoopback: boolean; resolve: ResolveHost },
): Promise<string> {
  const url = checkPublicUrl(value.trim(), options);
  await resolvePublicAddresses(url.hostname, options);
  return url.toString();
}
