import { describe, expect, it } from "vitest";

import { db, getDatabase } from "@/lib/db";
import { authorizeToken, createApiKey, revokeApiKey } from "@/lib/keys/api-keys";

import { createFundedUser, withTestWorld } from "./helpers/environment";
import { countPgStatements } from "./helpers/pg-statements";

/**
 * The public API's gate (key, owner, rate-limit count, earlier Idempotency-Key) is one statement, shared by the
 * requests that arrive while one runs. Each request still gets its own place in its key's window, exactly as
 * if it had been gated alone, and nothing of one key leaks into another's answer.
 */

const world = withTestWorld();

// A day-long window: a test's requests never straddle two windows.
const DAY_MS = 86_400_000;

async function keyOf(label: string, domain: string) {
  const { user } = await createFundedUser(world, 0, label, { domain });
  return { user, key: await createApiKey(user.id, { name: label, permission: "sending_access" }) };
}

const places = (answers: Array<{ requestCount: number } | null>) =>
  answers.map((a) => a!.requestCount).sort((a, b) => a - b);
const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("the API key gate", () => {
  it("concurrent requests of one key each get their own place in the window: 1 … n, none twice", async () => {
    const { key } = await keyOf("gate-one", "gate-one.test");
    const answers = await Promise.all(
      Array.from({ length: 40 }, () => authorizeToken(key.token, { windowMs: DAY_MS })),
    );
    expect(places(answers)).toEqual(oneTo(40));
    const next = await authorizeToken(key.token, { windowMs: DAY_MS });
    expect(next!.requestCount).toBe(41);
    expect(await db.rateLimitBucket.findUnique({ where: { key: `apikey:${key.id}` } })).toMatchObject({ count: 41 });
  });

  it("keys gated together keep their own counts, owners and domains; unknown and revoked keys get nothing", async () => {
    const a = await keyOf("gate-a", "gate-a.test");
    const b = await keyOf("gate-b", "gate-b.test");
    const revoked = await keyOf("gate-revoked", "gate-revoked.test");
    expect(await revokeApiKey(revoked.user.id, revoked.key.id)).toBe(true);
    const tokens = Array.from({ length: 60 }, (_, i) =>
      i % 4 === 0 ? a.key.token : i % 4 === 1 ? b.key.token : i % 4 === 2 ? revoked.key.token : "mk_nosuchkey",
    );
    const answers = await Promise.all(tokens.map((token) => authorizeToken(token, { windowMs: DAY_MS })));

    const of = (token: string) => answers.filter((_, i) => tokens[i] === token);
    expect(places(of(a.key.token))).toEqual(oneTo(15));
    expect(places(of(b.key.token))).toEqual(oneTo(15));
    for (const answer of of(a.key.token)) {
      expect(answer!.caller).toMatchObject({ keyId: a.key.id, userId: a.user.id, permission: "sending_access" });
      expect(answer!.caller.senderPolicy.verifiedDomains).toEqual(["gate-a.test"]);
    }
    for (const answer of of(b.key.token)) {
      expect(answer!.caller).toMatchObject({ keyId: b.key.id, userId: b.user.id });
      expect(answer!.caller.senderPolicy.verifiedDomains).toEqual(["gate-b.test"]);
    }
    expect(of(revoked.key.token)).toEqual(Array(15).fill(null));
    expect(of("mk_nosuchkey")).toEqual(Array(15).fill(null));
    expect(await db.rateLimitBucket.findUnique({ where: { key: `apikey:${revoked.key.id}` } })).toBeNull();
  });

  it("each request reads its own earlier Idempotency-Key, and only its owner's", async () => {
    const a = await keyOf("gate-idem-a", "gate-idem-a.test");
    const b = await keyOf("gate-idem-b", "gate-idem-b.test");
    const endpoint = "POST /emails";
    await db.apiIdempotencyKey.create({
      data: {
        userId: a.user.id,
        endpoint,
        key: "order-1",
        requestHash: "hash-of-a",
        sendIds: [],
        responseStatus: 200,
        responseBody: { id: "email-of-a" },
        expiresAt: new Date(Date.now() + DAY_MS),
      },
    });
    const asked = [
      { token: a.key.token, key: "order-1" },
      { token: a.key.token, key: "order-2" },
      { token: b.key.token, key: "order-1" }, // the same key name, another customer: not theirs
      { token: a.key.token, key: "order-1" },
    ];
    const answers = await Promise.all(
      asked.map((ask) => authorizeToken(ask.token, { windowMs: DAY_MS, idempotency: { endpoint, key: ask.key } })),
    );
    expect(answers.map((answer) => answer!.prior?.responseBody ?? null)).toEqual([
      { id: "email-of-a" },
      null,
      null,
      { id: "email-of-a" },
    ]);
    expect(answers[0]!.prior).toMatchObject({ requestHash: "hash-of-a", responseStatus: 200 });
  });

  it("requests that arrive together share round trips: 30 concurrent requests, far fewer statements", async () => {
    if (getDatabase().kind !== "postgres") return; // PGlite's driver sends no pg statements
    const { key } = await keyOf("gate-trips", "gate-trips.test");
    await authorizeToken(key.token, { windowMs: DAY_MS }); // "last used" is written once, here
    const statements = await countPgStatements(async () => {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => authorizeToken(key.token, { windowMs: DAY_MS })),
      );
      expect(places(answers)).toEqual(oneTo(31).slice(1));
    });
    // Two groups in flight at once: the first two requests alone, then the rest together.
    expect(statements).toBeLessThanOrEqual(4);
  });
});
