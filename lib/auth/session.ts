import { cookies } from "next/headers";
import { redirect } from "next/navigation";

import { auth } from "./index";
import { sql } from "@/lib/db";
import { VERIFIED_DOMAINS_SQL, type SenderPolicy } from "@/lib/domains/sender";

export type SessionUser = {
  id: string;
  email: string;
  name: string | null;
  dodoCustomerId: string | null;
  /** Who the user may name in `from` (read with the user, so the composer's send needs no query for it). */
  senderPolicy?: SenderPolicy;
};

/** The signed-in user and their verified sender domains, in one statement, fresh from the database. */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) {
    // Auth.js answers "no session" when reading it from the database failed, too. With a session cookie, make
    // sure the database answers: if it cannot, the caller gets that error (a 503, "temporarily unavailable"),
    // not a sign-in page.
    if (await hasSessionCookie()) await sql("SELECT 1");
    return null;
  }
  const [row] = await sql<Omit<SessionUser, "senderPolicy"> & { verifiedDomains: string[] }>(
    `SELECT u."id", u."email", u."name", u."dodoCustomerId", ${VERIFIED_DOMAINS_SQL('u."id"')} AS "verifiedDomains"
     FROM "User" u WHERE u."id" = $1`,
    [id],
  );
  if (!row) return null;
  const { verifiedDomains, ...user } = row;
  return { ...user, senderPolicy: { ownerEmail: user.email, verifiedDomains: verifiedDomains ?? [] } };
}

/** Auth.js's session cookie (its name has a `__Secure-` prefix on https). Outside a request: none. */
async function hasSessionCookie(): Promise<boolean> {
  try {
    const jar = await cookies();
    return jar.getAll().some((cookie) => /(^|\.)session-token(\.\d+)?$/.test(cookie.name));
  } catch {
    return false;
  }
}

/** For pages and server actions: the signed-in user, or a redirect to sign in. */
export async function requireUser(callbackPath = "/dashboard"): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  return user;
}
