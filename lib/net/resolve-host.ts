import { lookup as dnsLookup } from "node:dns/promises";

import ipaddr from "ipaddr.js";

import { classifyAddress, UnsafeUrlError } from "./public-url";

/*
 * The DNS half of the public-host policy (lib/net/public-url.ts holds the half that needs no network). Server-only:
 * `node:dns` cannot be bundled for the browser, and the composer's schema imports public-url.ts.
 */

export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: false });
let resolveOverride: ResolveHost | undefined;

/** Tests (offline machines) answer DNS themselves; undefined restores the system resolver. */
export function setHostResolverForTests(resolve: ResolveHost | undefined): void {
  resolveOverride = resolve;
}

/**
 * Every address `hostname` resolves to, all of which must be public (one private answer refuses the host, so a
 * resolver cannot hand a later connection a private address). Loopback passes only when allowed.
 */
export async function resolvePublicAddresses(
  hostname: string,
  options: { allowLoopback: boolean; resolve?: ResolveHost; subject?: string },
): Promise<{ address: string; family: number }[]> {
  const host = hostname.replace(/^\[|\]$/g, "");
  const subject = options.subject ?? "The host";
  let answers: { address: string; family: number }[];
  if (ipaddr.isValid(host)) answers = [{ address: host, family: host.includes(":") ? 6 : 4 }];
  else {
    try {
      answers = await (options.resolve ?? resolveOverride ?? systemResolve)(host);
    } catch {
      throw new UnsafeUrlError(`${subject} "${host}" does not resolve.`);
    }
  }
  if (!answers.length) throw new UnsafeUrlError(`${subject} "${host}" does not resolve.`);
  for (const answer of answers) {
    const verdict = classifyAddress(answer.address);
    if (verdict === "public" || (verdict === "loopback" && options.allowLoopback)) continue;
    throw new UnsafeUrlError(`${subject} "${host}" resolves to ${answer.address}, which is not a public address.`);
  }
  return answers;
}
