import { db } from "@/lib/db";

import { DomainError } from "./errors";
import { addDomain, removeDomain, verifyDomain } from "./service";

/** The Domains page's server actions, with answers shaped for its forms (never throwing a DomainError). */

export type AddDomainState =
  { status: "idle" } | { status: "added"; name: string } | { status: "invalid"; message: string; name: string };

export async function addDomainFromDashboard(
  userId: string,
  input: { name: string; region?: string },
): Promise<AddDomainState> {
  try {
    const domain = await addDomain(userId, input);
    return { status: "added", name: domain.name };
  } catch (error) {
    if (error instanceof DomainError) return { status: "invalid", message: error.message, name: input.name };
    throw error;
  }
}

export type DomainActionState = { status: "idle" } | { status: "done" } | { status: "failed"; message: string };

export async function domainAction(
  userId: string,
  id: string,
  action: "verify" | "remove",
): Promise<DomainActionState> {
  try {
    await (action === "verify" ? verifyDomain(userId, id) : removeDomain(userId, id));
    return { status: "done" };
  } catch (error) {
    if (error instanceof DomainError) return { status: "failed", message: error.message };
    throw error;
  }
}

/** Changes whenever a domain of the user, its status or a record's status changes (for GET /api/live). */
export async function domainsVersion(userId: string): Promise<string> {
  const rows = await db.senderDomain.findMany({
    where: { userId, resendId: { not: null } },
    orderBy: { id: "asc" },
    select: { id: true, status: true, records: true },
  });
  return rows
    .map(
      (r) =>
        `${r.id}=${r.status}/${((r.records as { status?: string }[] | null) ?? []).map((x) => x.status).join(",")}`,
    )
    .join(";");
}
