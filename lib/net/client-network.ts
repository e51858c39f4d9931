import ipaddr from "ipaddr.js";

/**
 * The network a client address stands for in per-client limits: an IPv4 address as it is, an IPv6 address as its
 * /64 (one subscriber is routinely given a whole /64, so counting single IPv6 addresses would give one client
 * 2^64 allowances). IPv4-mapped IPv6 counts as its IPv4 address; anything unparsable stays as given.
 */
export function clientNetwork(address: string): string {
  const literal = address
    .trim()
    .replace(/^\[|\]$/g, "")
    .replace(/%.*$/, "");
  if (!ipaddr.isValid(literal)) return address;
  const ip = ipaddr.parse(literal);
  if (ip.kind() === "ipv4") return ip.toString();
  const v6 = ip as ipaddr.IPv6;
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  const prefix = v6.parts.slice(0, 4).concat([0, 0, 0, 0]);
  return `${new ipaddr.IPv6(prefix).toString()}/64`;
}
