import ipaddr from "ipaddr.js";

import { checkPublicUrl, classifyAddress, UnsafeUrlError } from "@/lib/net/public-url";

import type { ResolveHost } from "./config";

/**
 * SSRF guard for customer webhook URLs. A URL is checked when it is registered and again, on the addresses the
 * connection will actually use, at every delivery (a name that resolved to a public address yesterday may
 * resolve to 10.0.0.1 today: DNS rebinding). Only public unicast addresses pass; in local mode loopback
 * (http://localhost, 127.0.0.1, ::1) passes too, so a newcomer can try webhooks against a local receiver.
 */

/**
 * Every address `hostname` resolves to, all of which must pass (one private answer refuses the host, so a
 * resolver cannot hand the connection a private address on a later lookup). Returns the vetted addresses.
 */
export async function resolvePublicAddresses(
  hostname: string,
  options: { allowLoopback: boolean; resolve: ResolveHost },
): Promise<{ address: string; family: number }[]> {
  const host = hostname.replace(/^\[|\]$/g, "");
  let answers: { address: string; family: number }[];
  if (ipaddr.isValid(host)) answers = [{ address: host, family: host.includes(":") ? 6 : 4 }];
  else {
    try {
      answers = await options.resolve(host);
    } catch {
      throw new UnsafeUrlError(`The endpoint's host "${host}" does not resolve.`);
    }
  }
  if (!answers.length) throw new UnsafeUrlError(`The endpoint's host "${host}" does not resolve.`);
  for (const answer of answers) {
    const verdict = classifyAddress(answer.address);
    if (verdict === "public" || (verdict === "loopback" && options.allowLoopback)) continue;
    throw new UnsafeUrlError(
      `The endpoint's host "${host}" resolves to ${answer.address}, which is not a public address.`,
    );
  }
  return answers;
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
