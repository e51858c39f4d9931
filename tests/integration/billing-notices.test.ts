import { beforeAll, describe, expect, it } from "vitest";

import { balanceWatchPass, registerBillingJobs } from "@/lib/billing/background";
import { saveAlert } from "@/lib/billing/automation";
import { expiryWarningPass, warnExpiringGrants } from "@/lib/billing/expiry";
import { getRunway } from "@/lib/billing/runway";
import { syncCreditsFromDodo } from "@/lib/credits";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";
import { drainJobs } from "@/lib/outbox/worker";

import { createFundedUser, withTestWorld } from "./helpers/environment";

/** The owner's own low-balance line (email + credit.balance_low webhook), expiry warnings and the runway. */
const world = withTestWorld();

beforeAll(() => registerBillingJobs());

async function adjust(customerId: string, amount: number, expiresAt?: Date) {
  await getDodo().creditEntitlements.balances.createLedgerEntry(customerId, {
    credit_entitlement_id: world.catalog.entitlementId,
    entry_type: amount >= 0 ? "credit" : "debit",
    amount: String(Math.abs(amount)),
    reason: "test adjustment",
    ...(expiresAt ? { expires_at: expiresAt.toISOString() } : {}),
  });
  await syncCreditsFromDodo(customerId, "test adjustment");
}

const mailTo = (address: string, subject: RegExp) =>
  world.emulators.resend.messages().filter((m) => m.to.includes(address) && subject.test(m.subject));

describe("the owner's own low-balance line", () => {
  it("sends one email to the chosen recipients and one credit.balance_low per crossing", async () => {
    const { user, customerId } = await createFundedUser(world, 3_000, "own-threshold");
    await db.webhookEndpoint.create({
      data: { userId: user.id, url: "https://hooks.example.com/x", eventTypes: ["credit.balance_low"], secret: "s" },
    });
    await saveAlert(user, { threshold: 2_500, recipients: ["ops@example.com", "cto@example.com"] });
    const deliveries = () =>
      db.webhookDelivery.count({ where: { eventType: "credit.balance_low", endpoint: { userId: user.id } } });

    await balanceWatchPass();
    expect(await deliveries()).toBe(0); // 3,000 is above the line

    await adjust(customerId, -600); // 2,400: crossed
    await Promise.all([balanceWatchPass(), balanceWatchPass(), balanceWatchPass()]);
    await adjust(customerId, -100); // further down: the same crossing
    await balanceWatchPass();
    await drainJobs();
    await world.emulators.resend.idle();
    expect(await deliveries()).toBe(1);
    const payload = (await db.webhookDelivery.findFirstOrThrow({ where: { eventType: "credit.balance_low" } }))
      .payload as { data: { available: number; threshold: number } };
    expect(payload.data).toMatchObject({ available: 2_400, threshold: 2_500 }); // at the crossing
    expect(mailTo("ops@example.com", /email credits left/)).toHaveLength(1);
    expect(mailTo("cto@example.com", /email credits left/)).toHaveLength(1);
    expect(mailTo(user.email, /email credits left/)).toHaveLength(0);

    await adjust(customerId, 1_000); // back above: re-armed by the sync
    await balanceWatchPass();
    await adjust(customerId, -1_000); // the second crossing
    await balanceWatchPass();
    await drainJobs();
    await world.emulators.resend.idle();
    expect(await deliveries()).toBe(2);
    expect(mailTo("ops@example.com", /email credits left/)).toHaveLength(2);
  });

  it("refuses bad settings with one message per field and changes nothing", async () => {
    const { alertSchema } = await import("@/lib/billing/automation");
    const parsed = alertSchema.safeParse({ threshold: "-5", recipients: "not-an-address" });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path[0]).sort()).toEqual(["recipients", "threshold"]);
  });
});

describe("expiry warnings", () => {
  it("warns once per grant with unspent credits that expires within 3 days", async () => {
    const { user, customerId } = await createFundedUser(world, 0, "expiring");
    const inTwoDays = new Date(Date.now() + 2 * 86_400_000);
    await adjust(customerId, 1_200, inTwoDays);
    await adjust(customerId, 800, new Date(Date.now() + 20 * 86_400_000)); // not yet due
    expect(await warnExpiringGrants(customerId)).toBe(1);
    expect(await warnExpiringGrants(customerId)).toBe(0);
    await expiryWarningPass(100, new Date(Date.now() + 2 * 3600_000)); // an hour later, every customer again
    await drainJobs();
    await world.emulators.resend.idle();
    const sent = mailTo(user.email, /expire on/);
    expect(sent.map((m) => m.subject)).toEqual([
      `1,200 email credits expire on ${inTwoDays.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" })}`,
    ]);
  });
});

describe("runway", () => {
  it("spreads the last 7 days of captured credits per day against what is left", async () => {
    const { customerId } = await createFundedUser(world, 0, "runway");
    const now = new Date("2026-12-06T12:00:00Z");
    const entry = (amount: number, daysAgo: number) => ({
      customerId,
      kind: "capture",
      amount: -amount,
      balanceAfter: 0,
      reservedAfter: 0,
      createdAt: new Date(now.getTime() - daysAgo * 86_400_000),
    });
    // 700 credits in the last week (100 a day); an older capture and a release do not count.
    await db.creditEntry.createMany({
      data: [entry(300, 1), entry(400, 6), entry(5_000, 8), { ...entry(999, 2), kind: "release" }],
    });
    expect(await getRunway(customerId, 1_000, now)).toEqual({
      kind: "lasts",
      perDay: 100,
      until: new Date("2026-12-16T12:00:00Z"),
      beyondAYear: false,
    });
    expect(await getRunway(customerId, 0, now)).toEqual({ kind: "empty" });
    expect(await getRunway(customerId, 1_000, new Date("2027-01-06T12:00:00Z"))).toEqual({ kind: "idle" });
  });
});
