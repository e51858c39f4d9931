import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";

import * as emailsRoute from "@/app/api/emails/route";
import { POST as resendWebhook } from "@/app/api/webhooks/resend/route";
import { createApiKey } from "@/lib/keys/api-keys";
import { getDatabase, setDatabaseForTests, type Database } from "@/lib/db";
import { PrismaClient } from "@/prisma/generated/client";
import { errorResponse } from "@/lib/http/errors";

import { signedResendRequest } from "../support/resend-webhooks";
import { createFundedUser, withTestWorld } from "./helpers/environment";

/**
 * A database that cannot serve now (pool starved, too many connections) answers 503 with Retry-After and a JSON
 * body on every kind of route, not a 500. PostgreSQL only: PGlite has no pool to starve.
 */

const onPostgres = process.env.MAILKIT_TEST_DATABASE === "postgres";
const world = withTestWorld();

/** A database whose one connection is held by someone else: every query waits 300 ms for it, then fails. */
async function starvedDatabase(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 300 });
  const held = await pool.connect();
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const database: Database = {
    kind: "postgres",
    prisma,
    query: async <T>(sql: string, params: unknown[] = []) => (await pool.query(sql, params)).rows as T[],
    withRawConnection: () => Promise.reject(new Error("not used")),
    async close() {
      held.release();
      await prisma.$disconnect();
      await pool.end();
    },
  };
  return database;
}

let restore: (() => Promise<void>) | undefined;
afterEach(async () => {
  await restore?.();
  restore = undefined;
});

async function expect503(response: Response, shape: Record<string, unknown>) {
  expect(response.status).toBe(503);
  expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  expect(await response.json()).toMatchObject(shape);
}

describe.runIf(onPostgres)("the database is unavailable → 503 with Retry-After", () => {
  it("a starved pool: the public API and the webhook inbox answer 503 JSON", async () => {
    const { user } = await createFundedUser(world, 5, "starved");
    const { token } = await createApiKey(user.id, { name: "t", permission: "full_access" });
    const original = getDatabase();
    const starved = await starvedDatabase(process.env.DATABASE_URL!);
    setDatabaseForTests(starved);
    restore = async () => {
      setDatabaseForTests(original);
      await starved.close();
    };

    const list = await emailsRoute.GET(
      new Request(`${world.app.url}/api/emails`, { headers: { authorization: `Bearer ${token}` } }),
    );
    await expect503(list, { statusCode: 503, name: "application_error" });

    const event = { type: "email.delivered", created_at: new Date().toISOString(), data: { email_id: "x", to: [] } };
    await expect503(await resendWebhook(signedResendRequest(event)), { error: "unavailable" });
  });

  it("too many connections for a role (53300) is a 503, not a 500", async () => {
    const role = `mailkit_limited_${process.pid}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP ROLE IF EXISTS ${role}`);
    await admin.query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 0`);
    try {
      const url = new URL(process.env.DATABASE_URL!);
      url.username = role;
      url.password = "";
      const limited = new pg.Client({ connectionString: url.toString() });
      const error = await limited.connect().then(
        () => null,
        (e: unknown) => e,
      );
      expect((error as { code?: string }).code).toBe("53300");
      await expect503(errorResponse(error, "public"), { statusCode: 503, name: "application_error" });
      await expect503(errorResponse(error, "plain"), { error: "unavailable" });
    } finally {
      await admin.query(`DROP ROLE IF EXISTS ${role}`);
      await admin.end();
    }
  });
});

describe("database unavailability is recognised however it is wrapped", () => {
  it.each([
    ["57P03 (starting up)", { code: "57P03", severity: "FATAL", message: "the database system is starting up" }],
    ["53400", { code: "53400", severity: "ERROR", message: "configuration limit exceeded" }],
    ["pg pool timeout", new Error("timeout exceeded when trying to connect")],
    ["Prisma P2024", Object.assign(new Error("Timed out fetching a new connection"), { code: "P2024" })],
    ["adapter TooManyConnections", new Error("x", { cause: { kind: "TooManyConnections", cause: "53300" } })],
  ])("%s → 503", async (_, error) => {
    await expect503(errorResponse(error, "public"), { statusCode: 503 });
  });

  it("other errors stay 500", async () => {
    expect(errorResponse(new Error("boom"), "public").status).toBe(500);
    expect(errorResponse({ code: "23505", message: "duplicate key" }, "plain").status).toBe(500);
  });
});
