import ipaddr from "ipaddr.js";

/**
 * Where MailKit may connect on a customer's behalf (webhook endpoints, attachment URLs Resend fetches): only public
 * unicast addresses and public DNS names over https, so a customer cannot point MailKit or its provider at private
 * networks, cloud metadata or localhost. Loopback passes only where the caller allows it (local mode).
 */

export type AddressVerdict = "public" | "loopback" | "refused";

/**
 * What kind of address an IP literal is. IPv4-mapped IPv6 (::ffff:a.b.c.d) is judged as its IPv4 address;
 * IPv6 must be global unicast (2000::/3) outside the special ranges (documentation, 6to4, Teredo, NAT64 …).
 */
export function classifyAddress(address: string): AddressVerdict {
  const literal = address.replace(/^\[|\]$/g, "");
  if (!ipaddr.isValid(literal)) return "refused";
  let ip = ipaddr.parse(literal);
  if (ip.kind() === "ipv6" && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  const range = ip.range();
  if (range === "loopback") return "loopback";
  if (range !== "unicast") return "refused";
  if (ip.kind() === "ipv4") {
    // ipaddr.js leaves a few special-purpose blocks as "unicast".
    const [a, b, c] = (ip as ipaddr.IPv4).octets;
    if (a === 192 && b === 0 && c === 0) return "refused"; // 192.0.0.0/24 IETF protocol assignments
    if (a === 192 && b === 88 && c === 99) return "refused"; // 6to4 relay anycast
    return "public";
  }
  const first = (ip as ipaddr.IPv6).parts[0]!;
  if ((first & 0xe000) !== 0x2000) return "refused"; // not global unicast
  if (first === 0x2001 && (ip as ipaddr.IPv6).parts[1]! < 0x0200) return "refused"; // 2001::/23 protocol assignments (Teredo …)
  if (first === 0x2002) return "refused"; // 6to4 embeds an IPv4 address
  return "public";
}

/** The URL is not one MailKit will connect to (the message says why, for the customer). */
export class UnsafeUrlError extends Error {
  override name = "UnsafeUrlError";
}

// Private and special-use suffixes (RFC 6761, RFC 8375, .internal, Kubernetes' cluster names like
// kubernetes.default.svc): never public, whatever a resolver answers for them today.
const LOCAL_NAMES =
  /(^|\.)(localhost|local|internal|localdomain|home|lan|arpa|intranet|corp|svc|cluster|test|invalid|example|onion|alt)$/;

/**
 * A URL's own checks (no DNS), for webhook endpoints and attachment paths alike: https (http only to loopback in local mode), no credentials, a hostname that
 * is a public IP literal or a dotted public-looking name. Returns the parsed URL.
 */
export function checkPublicUrl(value: string, options: { allowLoopback: boolean }): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UnsafeUrlError("The endpoint must be a valid URL, e.g. https://example.com/webhooks/mailkit.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new UnsafeUrlError("The endpoint must be an https:// URL.");
  if (url.username || url.password) throw new UnsafeUrlError("The endpoint URL must not contain credentials.");
  if (value.length > 2048) throw new UnsafeUrlError("The endpoint URL is longer than 2048 characters.");
  // A fully qualified name's trailing dot ("localhost.", "metadata.internal.") names the same host.
  const host = url.hostname
    .replace(/^\[|\]$/g, "")
    .toLowerCase()
    .replace(/\.+$/, "");
  // WHATWG URL parsing already turned decimal, octal and hex IPv4 forms (http://2130706433/) into dotted quads.
  const literal = ipaddr.isValid(host) ? classifyAddress(host) : null;
  const loopbackName = host === "localhost" || host.endsWith(".localhost");
  const loopback = literal === "loopback" || (literal === null && loopbackName);
  if (loopback) {
    if (!options.allowLoopback)
      throw new UnsafeUrlError("The endpoint must be on a public host (loopback addresses are refused).");
    return url;
  }
  if (url.protocol !== "https:") throw new UnsafeUrlError("The endpoint must be an https:// URL.");
  if (literal === "refused")
    throw new UnsafeUrlError(
      "The endpoint must be on a public host (private, link-local, multicast and reserved addresses are refused).",
    );
  if (literal === null && (!host.includes(".") || LOCAL_NAMES.test(host) || !/^[a-z0-9.-]+$/.test(host)))
    throw new UnsafeUrlError(`The endpoint must be on a public host ("${host}" is not a public DNS name).`);
  return url;
}

/** An attachment `path`: https on a public host (Resend fetches it; never loopback). */
export function isPublicHttpsUrl(value: string): boolean {
  try {
    return checkPublicUrl(value, { allowLoopback: false }).protocol === "https:";
  } catch {
    return false;
  }
}
