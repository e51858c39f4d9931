import { randomUUID } from "node:crypto";

import { describe, expect, it } from "vitest";

import { db } from "@/lib/db";
import { dailySeries, deliverabilityRows, THRESHOLDS, totalsOf } from "@/lib/deliverability";

import { withLocalServices } from "./helpers/environment";

/**
 * The deliverability figures from a seeded history of delivery events: per day (UTC) and sender domain, counted by
 * recipient; opens and clicks per email; rates against the providers' thresholds.
 */

withLocalServices();
const DAY = 24 * 3600_000;

async function seed(userId: string, from: string, daysAgo: number, events: Array<[string, number]>) {
  const id = randomUUID();
  const at = new Date(Date.now() - daysAgo * DAY);
  await db.emailSend.create({
    data: {
      id,
      userId,
      customerId: "cus_seed",
      source: "api",
      fromAddress: from,
      to: ["a@example.com"],
      cc: [],
      bcc: [],
      subject: "s",
      payload: {},
      cost: 1,
      status: "delivered",
      resendId: randomUUID(),
      acceptedAt: at,
      createdAt: at,
    },
  });
  for (const [type, recipients] of events)
    await db.emailEvent.create({
      data: {
        sendId: id,
        type,
        occurredAt: at,
        recipients: Array.from({ length: recipients }, (_, i) => `r${i}@example.com`),
      },
    });
}

describe("deliverability", () => {
  it("counts delivered, bounced, complained, opened and clicked per day and domain, with the rates", async () => {
    const user = await db.user.create({ data: { email: `deliv-${Date.now()}@example.com` } });
    const other = await db.user.create({ data: { email: `deliv-other-${Date.now()}@example.com` } });
    // Two days ago on acme.test: 95 delivered, 5 bounced (5 %), 1 complaint; opened twice, clicked once.
    await seed(user.id, "Acme <news@acme.test>", 2, [
      ["email.delivered", 95],
      ["email.bounced", 5],
      ["email.complained", 1],
      ["email.opened", 1],
      ["email.opened", 1],
      ["email.clicked", 1],
    ]);
    await seed(user.id, "news@acme.test", 2, [["email.delivered", 5]]);
    // Today on ACME.example (upper case in from): 10 delivered, nothing else.
    await seed(user.id, "hi@ACME.example", 0, [
      ["email.delivered", 10],
      ["email.sent", 10],
    ]);
    // Outside the window, and another customer's mail: not counted.
    await seed(user.id, "news@acme.test", 40, [["email.bounced", 50]]);
    await seed(other.id, "news@acme.test", 1, [["email.bounced", 50]]);

    const rows = await deliverabilityRows(user.id, 30);
    const today = new Date().toISOString().slice(0, 10);
    const twoDaysAgo = new Date(Date.now() - 2 * DAY).toISOString().slice(0, 10);
    expect(rows).toEqual([
      { day: twoDaysAgo, domain: "acme.test", delivered: 100, bounced: 5, complained: 1, opened: 1, clicked: 1 },
      { day: today, domain: "acme.example", delivered: 10, bounced: 0, complained: 0, opened: 0, clicked: 0 },
    ]);
    const totals = totalsOf(rows);
    expect(totals.bounceRate).toBeCloseTo(5 / 115);
    expect(totals.complaintRate).toBeCloseTo(1 / 110);
    expect(totals.bounceRate).toBeGreaterThan(THRESHOLDS.bounceRate);

    const series = dailySeries(rows, 7);
    expect(series).toHaveLength(7);
    expect(series.at(-1)).toMatchObject({ day: today, delivered: 10, bounceRate: 0 });
    expect(series.find((d) => d.day === twoDaysAgo)).toMatchObject({ bounceRate: 5 / 105, complaintRate: 1 / 100 });
    expect(series.filter((d) => d.delivered === 0)).toHaveLength(5);
  });
});
