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

const sent = (to: string[], cc: string[] = [], cost = to.length + cc.length) => ({
  status: "sent",
  cost,
  to,
  cc,
  bcc: [],
});

describe("suppressionsOf (which events suppress whom)", () => {
  it("a permanent bounce suppresses the recipient of a one-recipient email; a transient one does not", () => {
    const one = sent(["A <a@x.com>"]);
    expect(suppressionsOf("email.bounced", { to: ["X <A@x.com>"], bounce: { type: "Permanent" } }, one)).toEqual([
      { address: "a@x.com", reason: "bounce" },
    ]);
    expect(suppressionsOf("email.bounced", { to: ["a@x.com"], bounce: { type: "Transient" } }, one)).toEqual([]);
    expect(suppressionsOf("email.bounced", { to: ["a@x.com"] }, one)).toEqual([]);
  });

  it("Resend's `to` is the whole To list: for several recipients only those the bounce message names", () => {
    const three = sent(["a@x.com", "b@x.com"], ["c@x.com"]);
    const bounce = (message: string) => ({ to: ["a@x.com", "b@x.com"], bounce: { type: "Permanent", message } });
    expect(suppressionsOf("email.bounced", bounce("550 5.1.1 <B@x.com>: user unknown"), three)).toEqual([
      { address: "b@x.com", reason: "bounce" },
    ]);
    expect(suppressionsOf("email.bounced", bounce("550 5.1.1 c@x.com: no such user"), three)).toEqual([
      { address: "c@x.com", reason: "bounce" },
    ]);
    expect(suppressionsOf("email.bounced", bounce("Mailbox does not exist"), three)).toEqual([]);
    expect(suppressionsOf("email.bounced", bounce("550 <xa@x.com> unknown"), three)).toEqual([]);
  });

  it("an event naming only some of the To recipients is about those", () => {
    const three = sent(["a@x.com", "b@x.com"], ["c@x.com"]);
    const event = { to: ["B@x.com"], bounce: { type: "Permanent", message: "Unknown user" } };
    expect(suppressionsOf("email.bounced", event, three)).toEqual([{ address: "b@x.com", reason: "bounce" }]);
  });

  it("never suppresses an address the send did not have", () => {
    const one = sent(["a@x.com"]);
    const event = { to: ["a@x.com", "victim@y.com"], bounce: { type: "Permanent", message: "victim@y.com" } };
    expect(suppressionsOf("email.bounced", event, one)).toEqual([{ address: "a@x.com", reason: "bounce" }]);
    expect(suppressionsOf("email.complained", { to: ["victim@y.com"] }, one)).toEqual([]);
  });

  it("a complaint suppresses; delivery and other events do not", () => {
    const one = sent(["c@x.com"]);
    expect(suppressionsOf("email.complained", { to: ["c@x.com"] }, one)).toEqual([
      { address: "c@x.com", reason: "complaint" },
    ]);
    expect(suppressionsOf("email.delivered", { to: ["c@x.com"] }, one)).toEqual([]);
    expect(suppressionsOf("email.suppressed", { to: ["c@x.com"] }, one)).toEqual([]);
  });
});

describe("creditBackOf", () => {
  const send = sent(["a@x.com", "b@x.com"], ["c@x.com"]);
  it("email.failed credits the whole email while it has no delivery outcome", () => {
    expect(creditBackOf("email.failed", {}, send)).toEqual({ reason: "failed", credits: 3 });
    expect(creditBackOf("email.failed", {}, { ...send, status: "delivery_delayed" })).toEqual({
      reason: "failed",
      credits: 3,
    });
    for (const status of ["delivered", "bounced", "complained", "suppressed"])
      expect(creditBackOf("email.failed", {}, { ...send, status })).toBeNull();
  });
  it("email.suppressed credits the identified recipients, at least one, never for another email's recipients", () => {
    const named = { to: ["a@x.com", "b@x.com"], suppressed: { message: "b@x.com and c@x.com are suppressed" } };
    expect(creditBackOf("email.suppressed", named, send)).toEqual({ reason: "suppressed", credits: 2 });
    expect(creditBackOf("email.suppressed", { to: ["a@x.com", "b@x.com"] }, send)).toEqual({
      reason: "suppressed",
      credits: 1,
    });
    expect(creditBackOf("email.suppressed", {}, sent(["a@x.com"]))).toEqual({ reason: "suppressed", credits: 1 });
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
