import { describe, expect, it } from "vitest";

import { checkPublicUrl, classifyAddress, UnsafeUrlError } from "@/lib/net/public-url";
import { resolvePublicAddresses } from "@/lib/webhooks/address";

/** The SSRF guard of customer webhook URLs: address classes, URL forms, DNS answers. */

describe("classifyAddress", () => {
  it.each([
    ["8.8.8.8", "public"],
    ["93.184.216.34", "public"],
    ["1.1.1.1", "public"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4001:82a::200e", "public"],
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["::ffff:127.0.0.1", "loopback"],
    ["[::1]", "loopback"],
    ["0.0.0.0", "refused"],
    ["10.0.0.1", "refused"],
    ["172.16.0.1", "refused"],
    ["172.31.255.255", "refused"],
    ["192.168.0.1", "refused"],
    ["169.254.169.254", "refused"],
    ["100.64.0.1", "refused"],
    ["100.127.255.254", "refused"],
    ["192.0.0.8", "refused"],
    ["192.0.2.1", "refused"],
    ["198.18.0.1", "refused"],
    ["198.51.100.7", "refused"],
    ["203.0.113.9", "refused"],
    ["224.0.0.1", "refused"],
    ["239.255.255.250", "refused"],
    ["240.0.0.1", "refused"],
    ["255.255.255.255", "refused"],
    ["::", "refused"],
    ["::ffff:10.0.0.1", "refused"],
    ["::ffff:a00:1", "refused"], // IPv4-mapped, hex form (what URL parsing produces)
    ["::ffff:169.254.169.254", "refused"],
    ["::ffff:8.8.8.8", "public"],
    ["fc00::1", "refused"],
    ["fd12:3456:789a::1", "refused"],
    ["fe80::1", "refused"],
    ["fec0::1", "refused"],
    ["ff02::1", "refused"],
    ["2001:db8::1", "refused"],
    ["2001:0:4136:e378:8000:63bf:3fff:fdd2", "refused"], // Teredo
    ["2002:a00:1::1", "refused"], // 6to4 of 10.0.0.1
    ["64:ff9b::a00:1", "refused"], // NAT64 of 10.0.0.1
    ["100::1", "refused"],
    ["not-an-ip", "refused"],
  ])("%s is %s", (address, verdict) => {
    expect(classifyAddress(address)).toBe(verdict);
  });
});

describe("checkPublicUrl", () => {
  const strict = { allowLoopback: false };
  const local = { allowLoopback: true };

  it.each([
    "https://example.com/hooks",
    "https://hooks.example.co.uk:8443/mailkit?x=1",
    "https://93.184.216.34/hook",
    "https://[2606:4700:4700::1111]/hook",
  ])("accepts %s", (url) => {
    expect(() => checkPublicUrl(url, strict)).not.toThrow();
  });

  it.each([
    ["http://example.com/hook", "https"],
    ["ftp://example.com/hook", "https"],
    ["javascript:alert(1)", "https"],
    ["not a url", "valid URL"],
    ["https://user:pass@example.com/", "credentials"],
    ["https://localhost/hook", "loopback"],
    ["https://api.localhost/hook", "loopback"],
    ["https://127.0.0.1/hook", "loopback"],
    ["https://2130706433/hook", "loopback"], // decimal 127.0.0.1
    ["https://0177.0.0.1/hook", "loopback"], // octal 127.0.0.1
    ["https://0x7f.1/hook", "loopback"], // hex + short form
    ["https://[::ffff:127.0.0.1]/hook", "loopback"],
    ["https://167772161/hook", "public host"], // decimal 10.0.0.1
    ["https://012.0.0.1/hook", "public host"], // octal 10.0.0.1
    ["https://0xa9fea9fe/hook", "public host"], // hex 169.254.169.254
    ["https://[::ffff:a9fe:a9fe]/hook", "public host"],
    ["https://[fd00::1]/hook", "public host"],
    ["https://[fe80::1%25eth0]/hook", "valid URL"],
    ["https://metadata.google.internal/hook", "public DNS name"],
    ["https://router.lan/hook", "public DNS name"],
    ["https://printer.local/hook", "public DNS name"],
    ["https://intranet/hook", "public DNS name"],
  ])("refuses %s (%s)", (url, message) => {
    expect(() => checkPublicUrl(url, strict)).toThrow(UnsafeUrlError);
    expect(() => checkPublicUrl(url, strict)).toThrow(new RegExp(message));
  });

  it("allows http and loopback in local mode, still nothing private", () => {
    for (const url of ["http://localhost:4500/hook", "http://127.0.0.1:9/x", "http://[::1]:80/", "https://2130706433/"])
      expect(() => checkPublicUrl(url, local)).not.toThrow();
    for (const url of ["http://10.0.0.1/", "http://169.254.169.254/", "http://example.com/", "http://[fd00::1]/"])
      expect(() => checkPublicUrl(url, local)).toThrow(UnsafeUrlError);
  });
});

describe("resolvePublicAddresses", () => {
  const answers =
    (...addresses: string[]) =>
    async () =>
      addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));

  it("passes when every answer is public", async () => {
    const result = await resolvePublicAddresses("example.com", {
      allowLoopback: false,
      resolve: answers("93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"),
    });
    expect(result).toHaveLength(2);
  });

  it("refuses a name with any private answer (a resolver cannot smuggle one in)", async () => {
    await expect(
      resolvePublicAddresses("example.com", { allowLoopback: false, resolve: answers("93.184.216.34", "10.0.0.1") }),
    ).rejects.toThrow(/10\.0\.0\.1/);
    await expect(
      resolvePublicAddresses("example.com", { allowLoopback: false, resolve: answers("::ffff:192.168.0.1") }),
    ).rejects.toThrow(UnsafeUrlError);
  });

  it("refuses loopback answers outside local mode and names that do not resolve", async () => {
    await expect(
      resolvePublicAddresses("example.com", { allowLoopback: false, resolve: answers("127.0.0.1") }),
    ).rejects.toThrow(UnsafeUrlError);
    await expect(
      resolvePublicAddresses("example.com", { allowLoopback: true, resolve: answers("127.0.0.1") }),
    ).resolves.toHaveLength(1);
    await expect(
      resolvePublicAddresses("nowhere.example", {
        allowLoopback: false,
        resolve: async () => {
          throw new Error("ENOTFOUND");
        },
      }),
    ).rejects.toThrow(/does not resolve/);
  });
});
