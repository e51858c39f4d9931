import { describe, expect, it } from "vitest";

import {
  creditBackOf,
  normaliseAddress,
  suppressionsCsv,
  suppressionsOf,
  withoutSuppressed,
} from "@/lib/suppressions/recipients";

const email = (to: string[], cc: string[] = [], bcc: string[] = []) => ({ subject: "s", to, cc, bcc });

describe("normaliseAddress", () => {
  it("keeps the bare address, lower-cased", () => {
    expect(normaliseAddress("Ann <Ann@Example.COM>")).toBe("ann@example.com");
    expect(normaliseAddress("  BOB@example.com ")).toBe("bob@example.com");
    expect(normaliseAddress("not an address")).toBeUndefined();
  });
});

describe("suppressionsOf (which events suppress whom)", () => {
  it("a permanent bounce suppresses its recipients; a transient one does not", () => {
    expect(
      suppressionsOf("email.bounced", { to: ["X <A@x.com>", "a@x.com", "b@x.com"], bounce: { type: "Permanent" } }),
    ).toEqual([
      { address: "a@x.com", reason: "bounce" },
      { address: "b@x.com", reason: "bounce" },
    ]);
    expect(suppressionsOf("email.bounced", { to: ["a@x.com"], bounce: { type: "Transient" } })).toEqual([]);
    expect(suppressionsOf("email.bounced", { to: ["a@x.com"] })).toEqual([]);
  });

  it("a complaint suppresses; delivery and other events do not", () => {
    expect(suppressionsOf("email.complained", { to: ["c@x.com"] })).toEqual([
      { address: "c@x.com", reason: "complaint" },
    ]);
    expect(suppressionsOf("email.delivered", { to: ["c@x.com"] })).toEqual([]);
    expect(suppressionsOf("email.suppressed", { to: ["c@x.com"] })).toEqual([]);
    expect(suppressionsOf("email.complained", { to: "c@x.com" })).toEqual([]);
  });
});

describe("creditBackOf", () => {
  const send = { cost: 3, to: ["a@x.com", "b@x.com"], cc: ["c@x.com"], bcc: [] };
  it("email.failed credits the whole email", () => {
    expect(creditBackOf("email.failed", {}, send)).toEqual({ reason: "failed", credits: 3 });
  });
  it("email.suppressed credits the suppressed recipients of the email (all when it names none)", () => {
    expect(creditBackOf("email.suppressed", { to: ["B@x.com", "stranger@x.com"] }, send)).toEqual({
      reason: "suppressed",
      credits: 1,
    });
    expect(creditBackOf("email.suppressed", {}, send)).toEqual({ reason: "suppressed", credits: 3 });
    expect(creditBackOf("email.suppressed", { to: ["stranger@x.com"] }, send)).toBeNull();
  });
  it("other events credit nothing", () => {
    expect(creditBackOf("email.bounced", { to: ["a@x.com"] }, send)).toBeNull();
    expect(creditBackOf("email.delivered", {}, send)).toBeNull();
  });
});

describe("withoutSuppressed", () => {
  it("takes suppressed recipients out of to, cc and bcc and says which, per email", () => {
    const result = withoutSuppressed(
      [email(["Ann <ANN@x.com>", "bob@x.com"], ["ann@x.com", "cat@x.com"], ["dan@x.com"]), email(["eve@x.com"])],
      ["ann@x.com", "dan@x.com"],
    );
    expect(result).toEqual({
      ok: true,
      emails: [email(["bob@x.com"], ["cat@x.com"], []), email(["eve@x.com"])],
      suppressed: [["ann@x.com", "dan@x.com"], []],
    });
  });

  it("an email without a `to` left is refused, naming its suppressed recipients and its index", () => {
    expect(withoutSuppressed([email(["ok@x.com"]), email(["ann@x.com"], ["bob@x.com"])], ["ann@x.com"])).toEqual({
      ok: false,
      index: 1,
      addresses: ["ann@x.com"],
    });
  });

  it("nothing suppressed: the same emails", () => {
    const emails = [email(["a@x.com"])];
    expect(withoutSuppressed(emails, [])).toEqual({ ok: true, emails, suppressed: [[]] });
  });
});

describe("suppressionsCsv", () => {
  it("a header row, CRLF lines, quoted fields and no spreadsheet formulas", () => {
    const createdAt = new Date("2026-12-01T10:00:00.000Z");
    const csv = suppressionsCsv([
      { address: "a@x.com", reason: "bounce", createdAt, sendId: "id-1" },
      { address: "=cmd@x.com", reason: "manual", createdAt, sendId: null },
      { address: '"q,"@x.com', reason: "complaint", createdAt, sendId: null },
    ]);
    expect(csv.split("\r\n")).toEqual([
      "address,reason,created_at,email_id",
      "a@x.com,bounce,2026-12-01T10:00:00.000Z,id-1",
      "'=cmd@x.com,manual,2026-12-01T10:00:00.000Z,",
      '"""q,""@x.com",complaint,2026-12-01T10:00:00.000Z,',
      "",
    ]);
  });
});
