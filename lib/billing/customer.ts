import { ensureCreditAccount } from "@/lib/credits";
import { db } from "@/lib/db";
import { getDodo } from "@/lib/dodo/client";

/**
 * The Dodo customer of a signed-in user, created through the SDK the first time it is needed.
 * Never matched by email (someone else could own that customer) and never taken from request input.
 */
export async function ensureDodoCustomer(user: {
  id: string;
  email: string;
  name: string | null;
  dodoCustomerId: string | null;
}): Promise<string> {
  if (user.dodoCustomerId) {
    await ensureCreditAccount(user.id, user.dodoCustomerId);
    return user.dodoCustomerId;
  }
  const customer = await getDodo().customers.create({
    email: user.email,
    name: user.name ?? user.email.split("@")[0]!,
  });
  // Only set it if no concurrent request got there first; then use theirs (ours stays unused in Dodo).
  const { count } = await db.user.updateMany({
    where: { id: user.id, dodoCustomerId: null },
    data: { dodoCustomerId: customer.customer_id },
  });
  const customerId =
    count === 1 ? customer.customer_id : (await db.user.findUniqueOrThrow({ where: { id: user.id } })).dodoCustomerId!;
  await ensureCreditAccount(user.id, customerId);
  return customerId;
}

/** The user who owns a Dodo customer (webhooks arrive with a customer ID). */
export async function findUserByCustomerId(customerId: string, client: Pick<typeof db, "user"> = db) {
  return client.user.findUnique({ where: { dodoCustomerId: customerId } });
}
