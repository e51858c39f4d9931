import { describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { sendEmails } from "@/lib/sending";
import { csvField, messagesCsvExport, MESSAGE_CSV_COLUMNS } from "@/lib/sending/message-export";
import { parseMessageFilter } from "@/lib/sending/message-filter";
import { listMessageLog, messageLogRows } from "@/lib/sending/queries";

import { createFundedUser, outgoingEmail, withTestWorld } from "./helpers/environment";

/**
 * The Messages page's queries: search (ids exactly; subject and recipients as substrings, LIKE wildcards literal),
 * whole-UTC-day ranges, the status, always within the signed-in customer's own rows; and the CSV export, which holds
 * exactly the filtered list, newest first, bounded.
 */

const world = withTestWorld();

async function seed() {
  const { user, customerId } = await createFundedUser(world, 50, "search");
  const sender = { userId: user.id, customerId, source: "api" as const };
  const send = async (to: string[], subject: string, extra: Parameters<typeof outgoingEmail>[1] = {}) =>
    (await sendEmails(sender, [outgoingEmail(to, { subject, ...extra })])).emails[0]!.id;
  const invoice = await send(["Ada <ada@example.com>"], "Invoice 1042");
  const welcome = await send(["grace@example.com"], "Welcome", { cc: ["team@example.com"] });
  const percent = await send(["linus@example.com"], "100% off_today");
  // Dates set by hand: one on 2026-11-30 (UTC), one on 2026-12-01 at 23:59:59.999 UTC.
  await db.emailSend.update({ where: { id: invoice }, data: { createdAt: new Date("2026-11-30T12:00:00Z") } });
  await db.emailSend.update({ where: { id: welcome }, data: { createdAt: new Date("2026-12-01T23:59:59.999Z") } });
  await db.emailSend.update({ where: { id: percent }, data: { createdAt: new Date("2026-12-02T00:00:00Z") } });
  return { user, invoice, welcome, percent };
}

const ids = async (userId: string, query: Record<string, string>) => {
  const { filter, problem } = parseMessageFilter(query);
  expect(problem).toBeUndefined();
  return (await listMessageLog(userId, filter)).items.map((m) => m.id);
};

describe("message log search", () => {
  it("finds by recipient, cc, subject and id, within the customer's own rows only", async () => {
    const { user, invoice, welcome, percent } = await seed();
    const other = await createFundedUser(world, 5, "other", { domain: "other-search.test" });
    await sendEmails({ userId: other.user.id, customerId: other.customerId, source: "api" }, [
      outgoingEmail(["ada@example.com"], { from: "o@other-search.test", subject: "Invoice 1042" }),
    ]);

    expect(await ids(user.id, { q: "ADA@example" })).toEqual([invoice]);
    expect(await ids(user.id, { q: "team@" })).toEqual([welcome]);
    expect(await ids(user.id, { q: "invoice 10" })).toEqual([invoice]);
    expect(await ids(user.id, { q: welcome })).toEqual([welcome]);
    expect(await ids(user.id, { q: welcome.slice(0, 8) })).toEqual([]); // ids match whole
    expect(await ids(user.id, { q: "example.com" })).toEqual([percent, welcome, invoice]);
    // LIKE's wildcards are literal characters.
    expect(await ids(user.id, { q: "100%" })).toEqual([percent]);
    expect(await ids(user.id, { q: "%" })).toEqual([percent]);
    expect(await ids(user.id, { q: "_" })).toEqual([percent]);
    expect(await ids(user.id, { q: "\\" })).toEqual([]);
    expect(await ids(other.user.id, { q: "invoice" })).toHaveLength(1);
    expect(await ids(other.user.id, { q: invoice })).toEqual([]);
  });

  it("dates are whole UTC days, both ends included; status narrows further", async () => {
    const { user, invoice, welcome, percent } = await seed();
    expect(await ids(user.id, { from: "2026-12-01", to: "2026-12-01" })).toEqual([welcome]);
    expect(await ids(user.id, { from: "2026-12-01" })).toEqual([percent, welcome]);
    expect(await ids(user.id, { to: "2026-11-30" })).toEqual([invoice]);
    expect(await ids(user.id, { from: "2026-11-30", to: "2026-12-02", status: "queued" })).toEqual([
      percent,
      welcome,
      invoice,
    ]);
    expect(await ids(user.id, { from: "2026-11-30", status: "delivered" })).toEqual([]);
  });

  it("refuses input nobody meant with a message, before any query", () => {
    for (const query of [
      { q: "a\0b" },
      { q: "\ud800" },
      { q: "x".repeat(201) },
      { from: "2026-02-31" },
      { to: "yesterday" },
      { from: "2026-12-02", to: "2026-12-01" },
    ])
      expect(parseMessageFilter(query).problem, JSON.stringify(query)).toBeTruthy();
    expect(parseMessageFilter({ q: "\ufffd", status: "nonsense", page: "-3" })).toEqual({
      filter: { search: "\ufffd", page: 1 },
    });
  });
});

describe("CSV export", () => {
  it("holds exactly the filtered list, newest first, quoted and formula-safe", async () => {
    const { user, invoice, welcome, percent } = await seed();
    await db.emailSend.update({ where: { id: welcome }, data: { subject: '=HYPERLINK("x"), "quoted"' } });
    const download = await messagesCsvExport(user.id, { q: "example.com" });
    let text = "";
    for await (const chunk of download.chunks) text += chunk;
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toBe(MESSAGE_CSV_COLUMNS.join(","));
    expect(lines.slice(1).map((l) => l.split(",")[0])).toEqual([percent, welcome, invoice]);
    expect(lines[2]).toContain(`"'=HYPERLINK(""x""), ""quoted"""`);
    expect(lines[3]).toContain("Ada <ada@example.com>");
    expect(download.headers).toMatchObject({ "x-mailkit-export-matching": "3" });

    const narrowed = await messagesCsvExport(user.id, { to: "2026-11-30" });
    let narrowedText = "";
    for await (const chunk of narrowed.chunks) narrowedText += chunk;
    expect(
      narrowedText
        .trim()
        .split("\r\n")
        .slice(1)
        .map((l) => l.split(",")[0]),
    ).toEqual([invoice]);
    await expect(messagesCsvExport(user.id, { q: "\0" })).rejects.toMatchObject({ status: 422 });
    expect(csvField("+1 555")).toBe("'+1 555");
  });

  it("reads in keyset chunks and stops at the bound", async () => {
    const { user } = await seed();
    const sender = {
      userId: user.id,
      customerId: (await db.emailSend.findFirstOrThrow({ where: { userId: user.id } })).customerId,
      source: "api" as const,
    };
    await sendEmails(
      sender,
      Array.from({ length: 7 }, (_, i) => outgoingEmail([`bulk${i}@example.com`], { subject: `Bulk ${i}` })),
    );
    const all: string[] = [];
    for await (const rows of messageLogRows(user.id, {}, 1_000)) all.push(...rows.map((r) => r.id));
    expect(all).toHaveLength(10);
    expect(new Set(all).size).toBe(10);
    const bounded: string[] = [];
    for await (const rows of messageLogRows(user.id, {}, 4)) bounded.push(...rows.map((r) => r.id));
    expect(bounded).toEqual(all.slice(0, 4));
  });
});
