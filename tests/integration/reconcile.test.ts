import { beforeAll, describe, expect, it } from "vitest";

import { db, sql } from "@/lib/db";
import { sendEmails, type Sender } from "@/lib/sending";
import { drainDispatcher } from "@/lib/sending/dispatcher";
import { reconcilePass } from "@/lib/sending/reconcile";

import { createFundedUser, outgoingEmail, withTestWorld } from "./helpers/environment";

/** Sends whose delivery webhooks were lost are reconciled by asking Resend (emails.get through the SDK). */

const world = withTestWorld();
let sender: Sender;
beforeAll(async () => {
  const { user, customerId } = await createFundedUser(world, 20, "reconcile");
  sender = { userId: user.id, customerId, source: "api" };
});

async function deliveredSend(to: string): Promise<string> {
  const result = await sendEmails(sender, [outgoingEmail(to, { subject: "Reconcile" })]);
  const id = result.emails[0]!.id;
  await drainDispatcher();
  for (let i = 0; i < 500; i++) {
    const send = await db.emailSend.findUniqueOrThrow({ where: { id } });
    if (send.status !== "queued" && send.status !== "sent") break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await world.emulators.resend.idle();
  return id;
}

/** As if its delivery webhooks had been lost `ageMs` ago: MailKit still thinks it is `sent`. */
async function loseWebhooks(id: string, ageMs: number) {
  await db.emailEvent.deleteMany({ where: { sendId: id, type: { not: "email.sent" } } });
  await sql(
    `UPDATE "EmailSend" SET "status" = 'sent', "lastEventAt" = now() - $2 * interval '1 millisecond',
       "updatedAt" = now() - $2 * interval '1 millisecond' WHERE "id" = $1`,
    [id, ageMs],
  );
}

describe("reconcilePass", () => {
  it("moves a send stuck in `sent` past the window to what Resend says, once, on its timeline", async () => {
    const id = await deliveredSend("lost@example.com");
    await loseWebhooks(id, 2 * 3600_000);
    expect(await reconcilePass()).toBe(1);
    const send = await db.emailSend.findUniqueOrThrow({ where: { id }, include: { events: true } });
    expect(send.status).toBe("delivered");
    expect(send.events.map((e) => e.type)).toContain("email.delivered");
    expect(await reconcilePass()).toBe(0); // no longer stuck
  });

  it("leaves sends younger than the window alone, and asks about at most `perPass` per pass", async () => {
    const young = await deliveredSend("young@example.com");
    await loseWebhooks(young, 60_000);
    const old = [await deliveredSend("old1@example.com"), await deliveredSend("old2@example.com")];
    for (const id of old) await loseWebhooks(id, 2 * 3600_000);
    expect(await reconcilePass({ perPass: 1 })).toBe(1);
    expect(await reconcilePass({ perPass: 1 })).toBe(1);
    expect(await reconcilePass({ perPass: 1 })).toBe(0);
    const statuses = await db.emailSend.findMany({
      where: { id: { in: [young, ...old] } },
      select: { id: true, status: true },
    });
    expect(Object.fromEntries(statuses.map((s) => [s.id, s.status]))).toEqual({
      [young]: "sent",
      [old[0]!]: "delivered",
      [old[1]!]: "delivered",
    });
  });

  it("a bounce Resend reports is applied through the webhook path (status bounced)", async () => {
    const id = await deliveredSend("bounced@resend.dev");
    await loseWebhooks(id, 2 * 3600_000);
    expect(await reconcilePass()).toBe(1);
    expect((await db.emailSend.findUniqueOrThrow({ where: { id } })).status).toBe("bounced");
  });
});
