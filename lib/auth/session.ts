import { redirect } from "next/navigation";

import { auth } from "./index";
import { db } from "@/lib/db";

export type SessionUser = { id: string; email: string; name: string | null; dodoCustomerId: string | null };

/** The signed-in user, read fresh from the database (null when signed out). */
export async function getSessionUser(): Promise<SessionUser | null> {
  const session = await auth();
  const id = session?.user?.id;
  if (!id) return null;
  return db.user.findUnique({ where: { id }, select: { id: true, email: true, name: true, dodoCustomerId: true } });
}

/** For pages and server actions: the signed-in user, or a redirect to sign in. */
export async function requireUser(callbackPath = "/dashboard"): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  return user;
}
