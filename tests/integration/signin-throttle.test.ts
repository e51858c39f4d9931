import http from "node:http";
import type { AddressInfo } from "node:net";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it } from "vitest";

import { POST as authPost, GET as authGet } from "@/app/api/auth/[...nextauth]/route";
import { takeSignInAllowance } from "@/lib/auth/throttle";
import { clientAddress, SOCKET_ADDRESS_HEADER } from "@/lib/http/client-address";
import { resetEnvForTests } from "@/lib/env";
import { recordSocketAddresses } from "@/lib/http/client-address";

import { withTestWorld } from "./helpers/environment";

/** Sign-in links are throttled per address (5/h) and per client (20/h), in the database. */

const world = withTestWorld();
afterEach(() => {
  delete process.env.TRUST_PROXY;
  resetEnvForTests();
});

let n = 0;
const uniqueEmail = () => `signin-${++n}-${Date.now()}@example.com`;

describe("takeSignInAllowance", () => {
  it("allows 5 links per address per hour, whatever the client", async () => {
    const email = uniqueEmail();
    const results = [];
    for (let i = 0; i < 7; i++) results.push((await takeSignInAllowance(email, `10.0.0.${i}`)).allowed);
    expect(results).toEqual([true, true, true, true, true, false, false]);
    // Case and spaces do not make a new address.
    expect((await takeSignInAllowance(` ${email.toUpperCase()} `, "10.0.1.1")).allowed).toBe(false);
  });

  it("allows 20 links per client per hour, whatever the address", async () => {
    const client = `192.0.2.${n}`;
    const results = [];
    for (let i = 0; i < 22; i++) results.push((await takeSignInAllowance(uniqueEmail(), client)).allowed);
    expect(results.filter(Boolean)).toHaveLength(20); // SIGNIN_LINKS_PER_CLIENT_PER_HOUR's default
    expect(results.slice(20)).toEqual([false, false]);
    expect((await takeSignInAllowance(uniqueEmail(), "192.0.2.250")).allowed).toBe(true);
  });
});

describe("clientAddress", () => {
  const headers = (xff: string) => new Headers({ "x-forwarded-for": xff, [SOCKET_ADDRESS_HEADER]: "203.0.113.9" });

  it("without TRUST_PROXY uses the socket address and ignores X-Forwarded-For", () => {
    expect(clientAddress(headers("1.2.3.4"))).toBe("203.0.113.9");
  });

  it("with TRUST_PROXY=N takes the N-th X-Forwarded-For entry from the right", () => {
    process.env.TRUST_PROXY = "1";
    resetEnvForTests();
    expect(clientAddress(headers("1.2.3.4, 198.51.100.7"))).toBe("198.51.100.7");
    process.env.TRUST_PROXY = "2";
    resetEnvForTests();
    expect(clientAddress(headers("1.2.3.4, 198.51.100.7, 10.0.0.2"))).toBe("198.51.100.7");
  });

  it("the socket address header is set by the server and cannot be spoofed", async () => {
    recordSocketAddresses();
    const server = http.createServer((req, res) => res.end(String(req.headers[SOCKET_ADDRESS_HEADER])));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const seen = await fetch(`http://127.0.0.1:${port}/`, { headers: { [SOCKET_ADDRESS_HEADER]: "6.6.6.6" } });
    expect(await seen.text()).toBe("127.0.0.1");
    server.close();
  });
});

describe("the throttle keys on the address Auth.js sends to, and on a client's network", () => {
  it("spellings of one mailbox share one allowance: case, spaces, full-width letters", async () => {
    const local = `fold-${++n}-${Date.now()}`;
    const spellings = [`${local}@example.com`, ` ${local.toUpperCase()}@EXAMPLE.COM `];
    const fullWidth = [...`${local}@example.com`]
      .map((c) => (/[a-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c))
      .join("");
    const results = [];
    for (let i = 0; i < 6; i++)
      results.push((await takeSignInAllowance([...spellings, fullWidth][i % 3]!, `10.1.${n}.${i}`)).allowed);
    expect(results).toEqual([true, true, true, true, true, false]);
  });

  it.each(["v@x.com,1", "v@x.com, w@y.com", "V <v@x.com>", "v@x.com\u0000", "vé@x.com", ""])(
    "refuses %j (Auth.js's own normaliser would cut it down to another address), counting nothing",
    async (value) => {
      expect(await takeSignInAllowance(value, "10.2.0.1")).toEqual({ allowed: false, reason: "invalid_email" });
    },
  );

  it("counts an IPv6 client by its /64 (20 links for the whole prefix)", async () => {
    const prefix = `2001:db8:${(++n).toString(16)}:1`;
    const results = [];
    for (let i = 0; i < 22; i++)
      results.push((await takeSignInAllowance(uniqueEmail(), `${prefix}::${i.toString(16)}`)).allowed);
    expect(results.filter(Boolean)).toHaveLength(20);
    expect((await takeSignInAllowance(uniqueEmail(), `2001:db8:${n.toString(16)}:2::1`)).allowed).toBe(true);
  });
});

describe("POST /api/auth/signin/resend (Auth.js's own endpoint)", () => {
  it("`v@x.com,1`, `v@x.com,2` are refused before Auth.js, which would send them to v@x.com", async () => {
    const email = uniqueEmail();
    const csrf = await authGet(new NextRequest(`${world.app.url}/api/auth/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    for (const suffix of [",1", ",2"]) {
      const response = await authPost(
        new NextRequest(`${world.app.url}/api/auth/signin/resend`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded", cookie, [SOCKET_ADDRESS_HEADER]: "10.3.0.1" },
          body: new URLSearchParams({ email: email + suffix, csrfToken, callbackUrl: "/dashboard" }).toString(),
        }),
      );
      expect(response.headers.get("location")).toContain("error=invalid_email");
    }
    await world.emulators.resend.idle();
    expect(world.emulators.resend.messages().filter((m) => m.to.includes(email))).toHaveLength(0);
  });

  it("40 requests for one address send 5 emails; the rest redirect to the sign-in page's message", async () => {
    const email = uniqueEmail();
    const csrf = await authGet(new NextRequest(`${world.app.url}/api/auth/csrf`));
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");
    const statuses: string[] = [];
    for (let i = 0; i < 40; i++) {
      const response = await authPost(
        new NextRequest(`${world.app.url}/api/auth/signin/resend`, {
          method: "POST",
          headers: {
            "content-type": "application/x-www-form-urlencoded",
            cookie,
            [SOCKET_ADDRESS_HEADER]: `10.9.${n}.${i}`,
          },
          body: new URLSearchParams({ email, csrfToken, callbackUrl: "/dashboard" }).toString(),
        }),
      );
      statuses.push(response.headers.get("location") ?? String(response.status));
    }
    expect(statuses.filter((l) => l.includes("error=rate_limited"))).toHaveLength(35);
    await world.emulators.resend.idle();
    expect(world.emulators.resend.messages().filter((m) => m.to.includes(email))).toHaveLength(5);
  });
});
