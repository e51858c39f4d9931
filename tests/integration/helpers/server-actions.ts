import { PrismaPg } from "@prisma/adapter-pg";
import { redirect } from "next/navigation";
import pg from "pg";

import { db, type Database } from "@/lib/db";
import { PrismaClient } from "@/prisma/generated/client";

/**
 * Calling the dashboard's server actions as functions, the way Next.js calls them after decoding a request: the
 * session comes from a stand-in for lib/auth (who `actingAs` says is signed in), `next/cache` and `next/headers`
 * from stand-ins for the request context the functions would otherwise need. Each test file mocks the modules:
 *
 *   vi.mock("@/lib/auth", async () => (await import("./helpers/server-actions")).mockedAuthModule());
 *   vi.mock("next/cache", async (original) => (await import("./helpers/server-actions")).mockedCache(await original()));
 *   vi.mock("next/headers", async (original) => (await import("./helpers/server-actions")).mockedHeaders(await original()));
 */

export const actingAs: {
  userId: string | undefined;
  /** Whether the request carries Auth.js's session cookie (whatever auth() made of it). */
  sessionCookie: boolean;
  /** The sign-in links asked for (Auth.js would store a verification token and send the email). */
  signIns: { email: string; redirectTo: string }[];
  revalidated: string[];
} = { userId: undefined, sessionCookie: false, signIns: [], revalidated: [] };

export function mockedAuthModule() {
  return {
    auth: async () => (actingAs.userId ? { user: { id: actingAs.userId }, expires: "2100-01-01T00:00:00Z" } : null),
    signIn: async (_provider: string, options: { email: string; redirectTo: string }) => {
      actingAs.signIns.push(options);
      redirect("/signin/check-email");
    },
    signOut: async (options: { redirectTo: string }) => redirect(options.redirectTo),
    handlers: {},
  };
}

export function mockedCache(original: object) {
  return {
    ...original,
    revalidatePath: (path: string) => void actingAs.revalidated.push(path),
    revalidateTag: () => {},
  };
}

export function mockedHeaders(original: object) {
  return {
    ...original,
    headers: async () => new Headers({ "x-mailkit-socket-address": "203.0.113.7" }),
    cookies: async () => ({
      getAll: () =>
        actingAs.sessionCookie || actingAs.userId ? [{ name: "authjs.session-token", value: "opaque" }] : [],
    }),
  };
}

/** Where a Next.js redirect thrown by an action goes, or undefined for any other throw. */
export function redirectTarget(error: unknown): string | undefined {
  const digest = (error as { digest?: unknown } | null)?.digest;
  if (typeof digest !== "string" || !digest.startsWith("NEXT_REDIRECT;")) return undefined;
  return digest.split(";")[2];
}

/**
 * The tables a dashboard action could change. Not read: sessions (stood in for) and RateLimitBucket, whose
 * attempt counters (sign-in links, domain operations) count refused attempts too, by design.
 */
const TABLES = [
  "User",
  "Subscription",
  "Payment",
  "CreditAccount",
  "AutoTopUp",
  "CreditEntry",
  "OutboxJob",
  "ApiKey",
  "EmailSend",
  "EmailEvent",
  "DeliveryBatch",
  "CreditDebit",
  "Suppression",
  "CreditBack",
  "WebhookEndpoint",
  "WebhookDelivery",
  "SenderDomain",
] as const;

/** A hash of every row of each table: equal fingerprints, nothing changed. */
export async function databaseFingerprint(): Promise<Record<string, string>> {
  const columns = TABLES.map(
    (t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "${t}" x) AS "${t}"`,
  );
  const [row] = await db.$queryRawUnsafe<Record<string, string>[]>(`SELECT ${columns.join(", ")}`);
  return row!;
}

/** A hash of the rows one user owns (their keys, domains, endpoints and deliveries, suppressions, sends, account). */
export async function accountFingerprint(userId: string): Promise<string> {
  const owned = (table: string, where: string) =>
    `(SELECT coalesce(string_agg(x::text, '|' ORDER BY x::text), '') FROM "${table}" x WHERE ${where})`;
  const [row] = await db.$queryRawUnsafe<{ hash: string }[]>(
    `SELECT md5(${[
      owned("User", `x."id" = $1`),
      owned("ApiKey", `x."userId" = $1`),
      owned("SenderDomain", `x."userId" = $1`),
      owned("Suppression", `x."userId" = $1`),
      owned("EmailSend", `x."userId" = $1`),
      owned("WebhookEndpoint", `x."userId" = $1`),
      owned("WebhookDelivery", `x."endpointId" IN (SELECT e."id" FROM "WebhookEndpoint" e WHERE e."userId" = $1)`),
      owned("CreditAccount", `x."customerId" = (SELECT u."dodoCustomerId" FROM "User" u WHERE u."id" = $1)`),
    ].join(" || '#' || ")}) AS hash`,
    userId,
  );
  return row!.hash;
}

/** Like PostgreSQL's 57P03 ("the database system is starting up"), as the driver reports it. */
function startingUp(): Error {
  return Object.assign(new Error("the database system is starting up"), { code: "57P03", severity: "FATAL" });
}

/**
 * A database that is starting up: every statement fails with 57P03. Prisma's calls are lazy (they fail when
 * awaited), so a batch of them in $transaction([...]) fails once, as it would.
 */
export function startingUpDatabase(): Database {
  const fail = () => ({ then: (_: unknown, reject: (error: Error) => void) => reject(startingUp()) });
  const client: unknown = new Proxy(function () {}, {
    // lib/db binds each method it hands out: bind gives the same failing client back.
    get: (_target, property) => (property === "then" ? undefined : property === "bind" ? () => client : client),
    apply: fail,
  });
  return {
    kind: "postgres",
    prisma: client as PrismaClient,
    query: () => Promise.reject(startingUp()),
    withRawConnection: () => Promise.reject(startingUp()),
    close: async () => {},
  };
}

/** A PostgreSQL database whose one connection someone else holds: every statement waits 300 ms, then fails. */
export async function starvedDatabase(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 300 });
  const held = await pool.connect();
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
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
}
