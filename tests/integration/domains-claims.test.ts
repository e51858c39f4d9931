import { Resend } from "resend";
import { describe, expect, it } from "vitest";

import { createApiKey } from "@/lib/keys/api-keys";
import { db } from "@/lib/db";
import { pollDomains } from "@/lib/domains";
import { CUSTOMER_OPERATIONS_PER_MINUTE, customerOperationsBucket } from "@/lib/domains/pacing";
import { CLAIM_TTL_MS, MAX_DOMAINS_PER_CUSTOMER } from "@/lib/domains/claims";

import { createFundedUser, withTestWorld } from "./helpers/environment";

/**
 * Sender-domain claims: the per-customer cap (atomic under parallel creates), unverified claims released after
 * 72 h (at Resend too) so that the real owner can add the name, per-domain polling backoff, fair polling across
 * customers, and the per-customer limit on domain operations. The clock is moved by updating rows.
 */

const world = withTestWorld();

async function customer(label: string) {
  const { user } = await createFundedUser(world, 0, label, { domain: null });
  const key = await createApiKey(user.id, { name: "claims", permission: "full_access", rateLimitPerSecond: 1000 });
  return { user, sdk: new Resend(key.token, { baseUrl: world.app.apiBase }) };
}

const atResend = (name: string) => world.emulators.resend.domains.find(name);

/** Runs polling passes (the poller's turn can be taken a moment by other calls) until `done` or 100 passes. */
async function pollUntil(done: () => Promise<boolean>, now = Date.now()): Promise<number> {
  for (let pass = 1; pass <= 100; pass++) {
    await pollDomains(now);
    if (await done()) return pass;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error("polling never got there");
}

describe("the per-customer cap", () => {
  it("25 parallel creates of distinct names make exactly 10 domains, here and at Resend; the rest are a 403", async () => {
    const { user, sdk } = await customer("cap");
    const names = Array.from({ length: 25 }, (_, i) => `n${i}.cap.test`);
    const results = await Promise.all(names.map((name) => sdk.domains.create({ name })));
    const refused = results.filter((r) => r.error);
    expect(results.filter((r) => r.data)).toHaveLength(MAX_DOMAINS_PER_CUSTOMER);
    expect(refused).toHaveLength(25 - MAX_DOMAINS_PER_CUSTOMER);
    for (const { error } of refused)
      expect(error).toMatchObject({
        statusCode: 403,
        name: "validation_error",
        message: expect.stringContaining(`limit of ${MAX_DOMAINS_PER_CUSTOMER} domains per account`),
      });
    expect(await db.senderDomain.count({ where: { userId: user.id } })).toBe(MAX_DOMAINS_PER_CUSTOMER);
    expect(names.filter((name) => atResend(name))).toHaveLength(MAX_DOMAINS_PER_CUSTOMER);

    // Removing one makes room for one more.
    const first = results.find((r) => r.data)!.data!;
    expect((await sdk.domains.remove(first.id)).error).toBeNull();
    expect((await sdk.domains.create({ name: "again.cap.test" })).error).toBeNull();
    expect((await sdk.domains.create({ name: "over.cap.test" })).error).toMatchObject({ statusCode: 403 });
  });

  it("two customers adding one name at once: one gets it, the other a 403, and Resend has it once", async () => {
    const [a, b] = await Promise.all([customer("race-a"), customer("race-b")]);
    const results = await Promise.all([a, b].map((c) => c.sdk.domains.create({ name: "race.claims.test" })));
    expect(results.filter((r) => r.data)).toHaveLength(1);
    expect(results.find((r) => r.error)!.error).toMatchObject({ statusCode: 403 });
    expect(await db.senderDomain.count({ where: { name: "race.claims.test" } })).toBe(1);
    expect(world.emulators.resend.domains.all.filter((d) => d.name === "race.claims.test")).toHaveLength(1);
  });
});

describe("unverified claims are released after 72 hours", () => {
  it("the name is refused to others with its release time, released by the poller (at Resend too), then the real owner adds it", async () => {
    const squatter = await customer("squatter");
    const owner = await customer("owner");
    const { data } = await squatter.sdk.domains.create({ name: "owned.claims.test" });
    await squatter.sdk.domains.verify(data!.id); // never published: stays pending
    const row = await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } });
    expect(row.claimExpiresAt!.getTime() - row.createdAt.getTime()).toBeCloseTo(CLAIM_TTL_MS, -4);

    const refused = await owner.sdk.domains.create({ name: "owned.claims.test" });
    expect(refused.error).toMatchObject({
      statusCode: 403,
      message: expect.stringContaining(`add it again after ${row.claimExpiresAt!.toISOString()}`),
    });

    // 72 hours pass.
    await db.senderDomain.update({ where: { id: row.id }, data: { claimExpiresAt: new Date(Date.now() - 1000) } });
    await pollUntil(async () => (await db.senderDomain.count({ where: { id: row.id } })) === 0);
    expect(atResend("owned.claims.test")).toBeUndefined();
    expect((await squatter.sdk.domains.get(data!.id)).error).toMatchObject({ statusCode: 404 });

    const added = await owner.sdk.domains.create({ name: "owned.claims.test" });
    expect(added.error).toBeNull();
    expect(added.data).toMatchObject({ name: "owned.claims.test", status: "not_started" });
    expect(atResend("owned.claims.test")?.id).toBe(
      (await db.senderDomain.findUniqueOrThrow({ where: { id: added.data!.id } })).resendId,
    );
  });

  it("adding a name whose claim expired releases it on the spot, without waiting for the poller", async () => {
    const squatter = await customer("squatter-2");
    const owner = await customer("owner-2");
    const { data } = await squatter.sdk.domains.create({ name: "spot.claims.test" });
    await db.senderDomain.update({ where: { id: data!.id }, data: { claimExpiresAt: new Date(Date.now() - 1) } });
    const added = await owner.sdk.domains.create({ name: "spot.claims.test" });
    expect(added.error).toBeNull();
    const row = await db.senderDomain.findUniqueOrThrow({ where: { name: "spot.claims.test" } });
    expect(row.userId).toBe(owner.user.id);
    expect(world.emulators.resend.domains.all.filter((d) => d.name === "spot.claims.test")).toHaveLength(1);
  });

  it("a verified domain is never released, however old", async () => {
    const holder = await customer("holder");
    const { data } = await holder.sdk.domains.create({ name: "kept.claims.test" });
    world.emulators.resend.domains.publish(atResend("kept.claims.test")!);
    await holder.sdk.domains.verify(data!.id);
    await world.emulators.resend.idle();
    const row = await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } });
    expect(row).toMatchObject({ status: "verified", claimExpiresAt: null });
    await db.senderDomain.update({
      where: { id: row.id },
      data: { createdAt: new Date(Date.now() - 30 * 24 * 3600_000), nextCheckAt: new Date(0) },
    });
    await pollUntil(async () => (await db.senderDomain.findUniqueOrThrow({ where: { id: row.id } })).polledAt !== null);
    expect(await db.senderDomain.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "verified" });
    expect(atResend("kept.claims.test")).toBeDefined();
  });
});

describe("polling", () => {
  it("a domain that stays pending is polled less and less often; a change starts over", async () => {
    const { sdk } = await customer("backoff");
    const { data } = await sdk.domains.create({ name: "backoff.claims.test" });
    await sdk.domains.verify(data!.id);
    const intervals: number[] = [];
    for (let poll = 0; poll < 4; poll++) {
      await db.senderDomain.update({ where: { id: data!.id }, data: { nextCheckAt: new Date(0), polledAt: null } });
      await pollUntil(
        async () => (await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } })).polledAt !== null,
      );
      const row = await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } });
      intervals.push(Math.round((row.nextCheckAt.getTime() - row.checkedAt.getTime()) / 1000));
    }
    // Each reading that changed nothing doubles the interval (from 10 s; a webhook's reading counts too).
    expect(intervals[0]).toBeGreaterThanOrEqual(20);
    expect(intervals.slice(1)).toEqual(intervals.slice(0, -1).map((v) => v * 2));

    world.emulators.resend.domains.publish(atResend("backoff.claims.test")!);
    world.emulators.resend.webhooks.paused = true; // the poller, not the webhook, sees the change
    try {
      await db.senderDomain.update({ where: { id: data!.id }, data: { nextCheckAt: new Date(0), polledAt: null } });
      await world.emulators.resend.idle();
      await pollUntil(
        async () => (await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } })).polledAt !== null,
      );
    } finally {
      world.emulators.resend.webhooks.resume();
    }
    const row = await db.senderDomain.findUniqueOrThrow({ where: { id: data!.id } });
    expect(row).toMatchObject({ status: "verified", unchangedChecks: 0, claimExpiresAt: null });
    expect(row.nextCheckAt.getTime() - row.checkedAt.getTime()).toBe(3600_000);
  });

  it("one customer's many due domains do not starve another customer's one", async () => {
    const many = await customer("many");
    const one = await customer("one");
    const manyIds: string[] = [];
    for (let i = 0; i < 8; i++) manyIds.push((await many.sdk.domains.create({ name: `m${i}.fair.test` })).data!.id);
    const oneId = (await one.sdk.domains.create({ name: "one.fair.test" })).data!.id;
    // A moment in 1970 when only these are due: the many customer's first, the other's last.
    for (const [i, id] of manyIds.entries())
      await db.senderDomain.update({ where: { id }, data: { nextCheckAt: new Date(1000 + i), polledAt: null } });
    await db.senderDomain.update({ where: { id: oneId }, data: { nextCheckAt: new Date(2000), polledAt: null } });

    const order: string[] = [];
    const pollOnce = async () => {
      const polled = await db.senderDomain.findMany({
        where: { id: { in: [...manyIds, oneId] }, polledAt: { not: null } },
        select: { id: true },
      });
      for (const { id } of polled) if (!order.includes(id)) order.push(id);
      return order.includes(oneId);
    };
    await pollUntil(pollOnce, 5000);
    expect(order.indexOf(oneId)).toBeLessThanOrEqual(1); // served first or second, not after the 8 others
  });
});

describe("the per-customer limit on domain operations", () => {
  /** Waits, if needed, so that at least `ms` remain in the current clock minute of the database (the window). */
  async function leaveInMinute(ms: number) {
    const rows = await db.$queryRawUnsafe<{ left: number }[]>(
      `SELECT (60000 - floor(extract(epoch from clock_timestamp()) * 1000)::bigint % 60000)::float8 AS "left"`,
    );
    const left = Number(rows[0]!.left);
    if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
  }

  it(`answers 429 with retry-after beyond ${CUSTOMER_OPERATIONS_PER_MINUTE} adds, verifies and removals a minute`, async () => {
    const { user, sdk } = await customer("busy");
    // The window is a clock minute: run the few requests below well inside one, and count most of the first
    // operations directly in the bucket (30 real verifies can outlast a minute under load).
    await leaveInMinute(15_000);
    const { data } = await sdk.domains.create({ name: "busy.claims.test" }); // operation 1
    const counted = CUSTOMER_OPERATIONS_PER_MINUTE - 4;
    await db.rateLimitBucket.update({ where: { key: customerOperationsBucket(user.id) }, data: { count: counted } });
    for (let i = counted + 1; i <= CUSTOMER_OPERATIONS_PER_MINUTE; i++)
      expect((await sdk.domains.verify(data!.id)).error).toBeNull();
    const limited = await sdk.domains.verify(data!.id);
    expect(limited.error).toMatchObject({
      statusCode: 429,
      message: expect.stringMatching(/Too many domain requests.*Retry in \d+ s/),
    });
    expect((await sdk.domains.get(data!.id)).error).toBeNull(); // reads call no one: never limited
  });
});
